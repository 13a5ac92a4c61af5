'use strict';
// tend's preload for Node apps started with --port and
// NODE_CLUSTER_SCHED_POLICY=none (node --require this; by default tend makes
// them cluster workers and deals out connections itself):
// the daemon has bound the port once and passed the listening socket as
// fd 3 (TEND_LISTEN_FD), so an unmodified server.listen(PORT) is turned into
// server.listen({ fd: 3 }) and every instance accepts on the same socket.
// Any other listen() call is left as it is.
const net = require('net');

const fd = Number(process.env.TEND_LISTEN_FD);
const port = Number(process.env.PORT);

// The port a listen() call asks for, or undefined when it names none
// (a path, a handle, an fd, or port 0).
function requestedPort(args) {
  const first = args[0];
  if (typeof first === 'number') return first;
  if (typeof first === 'string' && /^\d+$/.test(first)) return Number(first);
  if (first && typeof first === 'object' && first.port !== undefined &&
      first.fd === undefined && first.path === undefined && first.handle === undefined) {
    return Number(first.port);
  }
  return undefined;
}

if (Number.isInteger(fd) && fd >= 0 && port > 0) {
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function tendListen(...args) {
    if (requestedPort(args) !== port) return listen.apply(this, args);
    const callback = args.find((a) => typeof a === 'function');
    return callback ? listen.call(this, { fd }, callback) : listen.call(this, { fd });
  };
}
