"""The official Python client (python3-kubernetes) running `port-forward` against minik through its
`portforward` helper (WebSocket, v4.channel.k8s.io): an HTTP request through the forwarded socket,
and the answer read back. Prints the status line and the body; exits non-zero on failure."""
import sys

from kubernetes import client, config
from kubernetes.stream import portforward

config.load_kube_config()
core = client.CoreV1Api()
pod, port = sys.argv[1], int(sys.argv[2])

pf = portforward(core.connect_get_namespaced_pod_portforward, pod, "default", ports=str(port))
sock = pf.socket(port)
sock.setblocking(True)
sock.sendall(b"GET / HTTP/1.0\r\nHost: pod\r\n\r\n")
data = b""
while True:
    chunk = sock.recv(4096)
    if not chunk:
        break
    data += chunk
sock.close()
head, _, body = data.partition(b"\r\n\r\n")
print(head.split(b"\r\n")[0].decode())
print(body.decode())
error = pf.error(port)
if error:
    print("error", error)
    sys.exit(1)
