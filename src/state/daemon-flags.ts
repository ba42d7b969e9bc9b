// How the daemon's Node.js runs. The control loop replaces tens of thousands of objects a tick
// (every pod it binds or starts is a new immutable version), so most of what it allocates lives
// for a tick and then dies. Left to itself V8 lets the old generation grow to several times the
// live heap before a full collection; these flags keep the peak near the live size and give
// short-lived objects more room in the young generation:
//   --heap-growing-percent=50   the next full collection when the heap is 1.5 x what survived
//   --max-semi-space-size=64    64 MiB semi-spaces (default 16): a tick's short-lived objects
//                               mostly die young instead of being promoted and collected late
// Measured at 5,000 nodes / 150,000 pods in bench/README.md.
//   --disable-proto=delete      no `__proto__` accessor on Object.prototype: a key that comes from
//                               a client is data, and even a walker that forgot to check it
//                               (src/api/own-keys.ts) cannot reach a prototype through it
export const DAEMON_NODE_FLAGS = ['--heap-growing-percent=50', '--max-semi-space-size=64', '--disable-proto=delete'];
