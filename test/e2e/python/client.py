"""The official Python client (python3-kubernetes) against minik: typed create of each workload
kind, a 409 read as a Status, a watch with watch=True, and an informer-style list+watch loop.
Prints one line per step; exits non-zero on the first failure."""
import sys
import threading
import time

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

config.load_kube_config()
core = client.CoreV1Api()
apps = client.AppsV1Api()
batch = client.BatchV1Api()
ns = "default"


def meta(name):
    return client.V1ObjectMeta(name=name, labels={"app": name})


def template(name, restart="Always", command=None):
    return client.V1PodTemplateSpec(
        metadata=client.V1ObjectMeta(labels={"app": name}),
        spec=client.V1PodSpec(
            restart_policy=restart,
            containers=[client.V1Container(name="c", image="busybox", command=command)],
        ),
    )


def selector(name):
    return client.V1LabelSelector(match_labels={"app": name})


# Typed creates of each workload kind; the answers must deserialize into the typed models.
d = apps.create_namespaced_deployment(ns, client.V1Deployment(metadata=meta("py-deploy"), spec=client.V1DeploymentSpec(replicas=1, selector=selector("py-deploy"), template=template("py-deploy"))))
print("deployment", d.metadata.name, d.spec.replicas)
rs = apps.create_namespaced_replica_set(ns, client.V1ReplicaSet(metadata=meta("py-rs"), spec=client.V1ReplicaSetSpec(replicas=1, selector=selector("py-rs"), template=template("py-rs"))))
print("replicaset", rs.metadata.name, rs.status.replicas)
ds = apps.create_namespaced_daemon_set(ns, client.V1DaemonSet(metadata=meta("py-ds"), spec=client.V1DaemonSetSpec(selector=selector("py-ds"), template=template("py-ds"))))
print("daemonset", ds.metadata.name, ds.status.desired_number_scheduled)
sts = apps.create_namespaced_stateful_set(ns, client.V1StatefulSet(metadata=meta("py-sts"), spec=client.V1StatefulSetSpec(replicas=1, service_name="py-sts", selector=selector("py-sts"), template=template("py-sts"))))
print("statefulset", sts.metadata.name, sts.status.replicas)
job = batch.create_namespaced_job(ns, client.V1Job(metadata=meta("py-job"), spec=client.V1JobSpec(template=template("py-job", "Never", ["sh", "-c", "echo hi"]))))
print("job", job.metadata.name, job.spec.completions)
cj = batch.create_namespaced_cron_job(ns, client.V1CronJob(metadata=meta("py-cj"), spec=client.V1CronJobSpec(schedule="*/5 * * * *", job_template=client.V1JobTemplateSpec(spec=client.V1JobSpec(template=template("py-cj", "OnFailure"))))))
print("cronjob", cj.metadata.name, cj.spec.schedule)

# A conflict comes back as a Status the client reads.
try:
    apps.create_namespaced_deployment(ns, client.V1Deployment(metadata=meta("py-deploy"), spec=client.V1DeploymentSpec(selector=selector("py-deploy"), template=template("py-deploy"))))
    sys.exit("a duplicate create succeeded")
except ApiException as e:
    print("conflict", e.status, e.reason)

# A watch (watch=True on the wire) sees a ConfigMap come and go, then times out.
seen = []


def watcher():
    w = watch.Watch()
    for ev in w.stream(core.list_namespaced_config_map, ns, timeout_seconds=5):
        if ev["object"].metadata.name == "py-cm":
            seen.append(ev["type"])
            if ev["type"] == "DELETED":
                w.stop()


t = threading.Thread(target=watcher)
t.start()
time.sleep(0.5)
core.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-cm"), data={"a": "1"}))
core.patch_namespaced_config_map("py-cm", ns, {"data": {"a": "2"}})
core.delete_namespaced_config_map("py-cm", ns)
t.join(10)
print("watch", ",".join(seen))

# An informer's loop: list, then watch from the list's resourceVersion until the pods run.
pods = core.list_namespaced_pod(ns, label_selector="app=py-deploy")
rv = pods.metadata.resource_version
running = {p.metadata.name for p in pods.items if p.status.phase == "Running"}
deadline = time.time() + 30
while not running and time.time() < deadline:
    w = watch.Watch()
    for ev in w.stream(core.list_namespaced_pod, ns, label_selector="app=py-deploy", resource_version=rv, timeout_seconds=5):
        rv = ev["object"].metadata.resource_version
        if ev["object"].status.phase == "Running":
            running.add(ev["object"].metadata.name)
            w.stop()
print("informer", len(running))
