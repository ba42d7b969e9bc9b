// The Examples section of each command's --help, for the commands that do not write their own
// next to their options: keyed by the command's path (`rollout status`). main.ts adds them once
// every command is registered; a test checks that every command has one.
import type { Command } from 'commander';

const EXAMPLES: Record<string, string[]> = {
  apply: [
    '# Apply every manifest in a directory, then list the pods',
    'minikctl apply -f k8s/ && minikctl get pods',
    '# Apply a manifest from stdin',
    'cat web.yaml | minikctl apply -f -',
    '# Show what the server would store, without storing it',
    'minikctl apply -f web.yaml --dry-run=server -o yaml',
    '# Apply with server-side apply, as field manager ci',
    'minikctl apply -f k8s/ --server-side --field-manager=ci',
  ],
  autoscale: [
    '# Keep deployment web between 2 and 10 pods at 80% CPU',
    'minikctl autoscale deployment web --min=2 --max=10 --cpu-percent=80',
  ],
  check: [
    '# Check a directory of manifests: valid, schedulable, converging',
    'minikctl check -f k8s/ -R',
    '# Report for a CI system (JUnit, GitHub annotations or SARIF)',
    'minikctl check -f k8s/ -o junit > check.xml',
    '# Only validate, without simulating the cluster',
    'minikctl check -f k8s/ --no-simulate',
  ],
  create: [
    '# Create the objects of a manifest (fails for those that exist)',
    'minikctl create -f web.yaml',
    '# Create and print the stored object',
    'minikctl create -f web.yaml -o yaml',
  ],
  'create namespace': ['# Create a namespace named dev', 'minikctl create namespace dev'],
  'create deployment': ['# Create a deployment named web running nginx, with 3 replicas', 'minikctl create deployment web --image=nginx --replicas=3'],
  'create service': ['# A ClusterIP service for pods labelled app=web, port 80 to 8080', 'minikctl create service clusterip web --tcp=80:8080'],
  'create serviceaccount': ['# A service account named builder', 'minikctl create serviceaccount builder'],
  'create secret': ['# A secret of two literal values', 'minikctl create secret generic db --from-literal=user=admin --from-literal=password=s3cret'],
  'cluster-info dump': ['# The cluster\'s state on stdout', 'minikctl cluster-info dump', '# Into one file per object list, every namespace', 'minikctl cluster-info dump -A --output-directory=/tmp/cluster-state'],
  'create job': [
    '# Create a job running a command',
    'minikctl create job hello --image=busybox -- echo hello',
    '# Run a cron job now, as a job',
    'minikctl create job backup-now --from=cronjob/backup',
  ],
  daemon: ['# Start the cluster in the background, see its state, stop it', 'minikctl daemon start', 'minikctl daemon status', 'minikctl daemon stop'],
  'daemon start': ['# Start the daemon (any command starts it when it is not running)', 'minikctl daemon start'],
  'daemon stop': ['# Stop the daemon; the cluster is kept for the next start', 'minikctl daemon stop'],
  'daemon status': ['# Is the daemon running, on which port, with which pid', 'minikctl daemon status'],
  'daemon logs': ['# The daemon log (requests, controller failures)', 'minikctl daemon logs'],
  delete: [
    '# Delete the objects of a manifest',
    'minikctl delete -f web.yaml',
    '# Delete pods by label, and wait until they are gone',
    'minikctl delete pods -l app=web --wait',
    '# Delete a deployment, leaving its pods (orphans)',
    'minikctl delete deployment web --cascade=orphan',
  ],
  describe: [
    '# Describe a pod, with its events',
    'minikctl describe pod web-7d4b9c8f5-x2x9q',
    '# Describe every deployment labelled app=web',
    'minikctl describe deployments -l app=web',
  ],
  diff: [
    '# What applying a directory would change (exit 1 when something would)',
    'minikctl diff -f k8s/',
    '# With another diff program',
    'KUBECTL_EXTERNAL_DIFF="diff -u" minikctl diff -f web.yaml',
  ],
  get: [
    '# List pods, with their node and IP',
    'minikctl get pods -o wide',
    '# One deployment as YAML',
    'minikctl get deployment web -o yaml',
    '# Pods of every namespace whose label app is web',
    'minikctl get pods -A -l app=web',
    '# Watch pods change',
    'minikctl get pods -w',
    '# One field of every node',
    "minikctl get nodes -o jsonpath='{.items[*].metadata.name}'",
  ],
  version: ['# Client and server versions', 'minikctl version', '# The client version only', 'minikctl version --client'],
  'cluster-info': ['# Where the cluster serves its API', 'minikctl cluster-info', '# Everything about the cluster, for a bug report', 'minikctl cluster-info dump --output-directory=/tmp/cluster-state'],
  'api-resources': ['# Every resource the server serves', 'minikctl api-resources', '# Namespaced resources of the apps group, names only', 'minikctl api-resources --namespaced=true --api-group=apps -o name'],
  'api-versions': ['# Every group/version the server serves', 'minikctl api-versions'],
  label: [
    '# Add a label to a pod',
    'minikctl label pods web-0 tier=frontend',
    '# Change an existing label',
    'minikctl label pods web-0 tier=backend --overwrite',
    '# Remove a label from every pod',
    'minikctl label pods --all tier-',
  ],
  annotate: ['# Annotate a deployment', "minikctl annotate deployment web description='the shop front end'", '# Remove an annotation', 'minikctl annotate deployment web description-'],
  logs: [
    '# The log of a pod (its only container)',
    'minikctl logs web-0',
    '# One container of a deployment\'s pod, following it',
    'minikctl logs deploy/web -c app -f',
    '# The last 20 lines of every pod labelled app=web, with timestamps',
    'minikctl logs -l app=web --tail=20 --timestamps',
  ],
  cordon: ['# Let no new pods on node-2', 'minikctl cordon node-2'],
  uncordon: ['# Let pods on node-2 again', 'minikctl uncordon node-2'],
  drain: ['# Evict the pods of node-2 (DaemonSet pods stay) before maintenance', 'minikctl drain node-2 --ignore-daemonsets'],
  taint: ['# Keep pods without a toleration off node-1', 'minikctl taint nodes node-1 dedicated=gpu:NoSchedule', '# Remove that taint', 'minikctl taint nodes node-1 dedicated=gpu:NoSchedule-'],
  replace: ['# Replace a deployment with the one in a file', 'minikctl replace -f web.yaml', '# Delete and create it again', 'minikctl replace --force -f web.yaml'],
  rollout: ['# Wait for a deployment\'s rollout, then see its revisions', 'minikctl rollout status deployment/web', 'minikctl rollout history deployment/web'],
  'rollout status': ['# Wait until deployment web has rolled out (exit 1 on timeout or a stuck rollout)', 'minikctl rollout status deployment/web --timeout=2m'],
  'rollout history': ['# The revisions of a deployment', 'minikctl rollout history deployment/web', '# The pod template of revision 2', 'minikctl rollout history deployment/web --revision=2'],
  'rollout undo': ['# Back to the previous revision', 'minikctl rollout undo deployment/web', '# Back to revision 3', 'minikctl rollout undo deployment/web --to-revision=3'],
  'rollout restart': ['# New pods for a deployment, one batch at a time', 'minikctl rollout restart deployment/web'],
  'rollout pause': ['# Stop rolling out changes to the template until resumed', 'minikctl rollout pause deployment/web'],
  'rollout resume': ['# Roll out the changes made while paused', 'minikctl rollout resume deployment/web'],
  exec: ['# Run a command in pod web (a container the runtime config runs as a process, or one an exec rule names)', 'minikctl exec web -- sh -c "echo $HOSTNAME"', '# Pass stdin to the command, in container app', 'echo hi | minikctl exec -i web -c app -- cat'],
  'port-forward': ['# Local port 8080 to port 80 of pod web', 'minikctl port-forward pod/web 8080:80', '# A local port chosen for port 80 of service web', 'minikctl port-forward svc/web :80'],
  service: ['# A loopback URL for each NodePort of service web (a daemon that runs processes serves them)', 'minikctl service web --url', '# With https://', 'minikctl service web --url --https'],
  scale: ['# Three replicas of deployment web', 'minikctl scale deployment/web --replicas=3', '# Only if it has 2 now', 'minikctl scale deployment/web --current-replicas=2 --replicas=3'],
  set: ['# Change the image of a container', 'minikctl set image deployment/web app=nginx:1.27'],
  'set image': ['# The app container of deployment web runs nginx:1.27', 'minikctl set image deployment/web app=nginx:1.27', '# Every container of a daemon set', 'minikctl set image daemonset/agent *=agent:2'],
  'set env': [
    '# Add or change variables of every container',
    'minikctl set env deployment/web LOG_LEVEL=debug MODE=fast',
    '# Remove one from the app container',
    'minikctl set env deployment/web MODE- -c app',
    '# Every key of a config map, prefixed',
    'minikctl set env deployment/web --from=configmap/web-config --prefix=CFG_',
    '# List the variables',
    'minikctl set env deployment/web --list',
  ],
  'set resources': ['# Limits and requests of the app container', 'minikctl set resources deployment/web -c app --limits=cpu=500m,memory=256Mi --requests=cpu=100m'],
  'set serviceaccount': ['# Run deployment web as service account builder', 'minikctl set serviceaccount deployment/web builder'],
  top: ['# CPU and memory of nodes, then of pods', 'minikctl top nodes', 'minikctl top pods'],
  'top node': ['# CPU and memory of every node, busiest first', 'minikctl top nodes --sort-by=cpu'],
  'top pod': ['# CPU and memory of pods labelled app=web, per container', 'minikctl top pods -l app=web --containers'],
  auth: ['# Can service account ci of namespace dev create deployments there?', 'minikctl auth can-i create deployments -n dev --as=system:serviceaccount:dev:ci'],
  config: ['# Work in namespace dev without -n', 'minikctl config set-context --current --namespace=dev', '# Which context is in use', 'minikctl config current-context'],
  'config view': ['# minik\'s kubeconfig, tokens hidden', 'minikctl config view', '# Only what the current context uses, with the token', 'minikctl config view --minify --raw'],
  'config current-context': ['# The name of the context in use', 'minikctl config current-context'],
  'config get-contexts': ['# Every context, the current one starred', 'minikctl config get-contexts', '# Their names only', 'minikctl config get-contexts -o name'],
  'config use-context': ['# Use context minik', 'minikctl config use-context minik'],
  'config delete-context': ['# Delete context old from the kubeconfig', 'minikctl config delete-context old'],
  'config rename-context': ['# Rename context old to new', 'minikctl config rename-context old new'],
  'config get-clusters': ['# The clusters of the kubeconfig', 'minikctl config get-clusters'],
  'config get-users': ['# The users of the kubeconfig', 'minikctl config get-users'],
};

/** The examples of a command path, in kubectl's layout (two spaces in, a blank line between). */
function examplesText(lines: string[]): string {
  const out: string[] = [];
  for (const l of lines) {
    if (l.startsWith('#') && out.length > 0) out.push('');
    out.push(`  ${l}`);
  }
  return `\nExamples:\n${out.join('\n')}\n`;
}

/** The command's path below the program: `rollout status`. */
export function commandPath(c: Command): string {
  const names: string[] = [];
  for (let cur: Command | null = c; cur?.parent; cur = cur.parent) names.unshift(cur.name());
  return names.join(' ');
}

/** Adds the Examples of the table to every command that has none of its own. */
export function addExamples(program: Command): void {
  const visit = (c: Command) => {
    const lines = EXAMPLES[commandPath(c)];
    if (lines) c.addHelpText('after', examplesText(lines));
    c.commands.forEach(visit);
  };
  program.commands.forEach(visit);
}
