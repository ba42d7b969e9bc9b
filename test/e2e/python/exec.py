"""The official Python client (python3-kubernetes) running `exec` against minik through its
`stream` helper (WebSocket, v4.channel.k8s.io): stdin through to `cat`, and an exit code read back.
Prints one line per step; exits non-zero on the first failure."""
import sys

from kubernetes import client, config
from kubernetes.stream import stream

config.load_kube_config()
core = client.CoreV1Api()
pod = sys.argv[1]

resp = stream(core.connect_get_namespaced_pod_exec, pod, "default", command=["cat"],
              stdin=True, stdout=True, stderr=True, tty=False, _preload_content=False)
resp.write_stdin("hello from python\n")
out = ""
while resp.is_open() and "\n" not in out:
    resp.update(timeout=5)
    out += resp.read_stdout() or ""
resp.close()
print("cat", out.strip())

resp = stream(core.connect_get_namespaced_pod_exec, pod, "default", command=["sh", "-c", "echo bye; exit 3"],
              stdin=False, stdout=True, stderr=True, tty=False, _preload_content=False)
resp.run_forever(timeout=10)
print("exit", resp.returncode, resp.read_stdout().strip())
