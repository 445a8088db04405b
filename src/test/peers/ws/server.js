// An RFC 6455 server on ws (Node), for RelayNodeBackendIT: a backend that is not Java. Listens
// on a free loopback port, prints "LISTENING <port>", and runs until its standard input ends.
// Each text message is answered "ws: <text>", except commands: "headers" (a JSON object of the
// handshake's forwarded headers), "binary" (a binary message), "close <code>" (the server
// closes with that code). Each connection's end is printed as "CLOSED <code>".
// Usage: node server.js NODE_MODULES_DIR (where package.json here was installed)
'use strict';

const path = require('path');
const { WebSocketServer } = require(path.join(process.argv[2], 'ws'));

const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });

server.on('connection', (socket, request) => {
  socket.on('message', (data, isBinary) => {
    const text = data.toString();
    if (isBinary) {
      return;
    }
    if (text === 'headers') {
      const seen = {};
      for (const name of ['origin', 'user-agent', 'cookie', 'x-forwarded-for', 'x-forwarded-proto',
        'x-forwarded-host', 'forwarded']) {
        seen[name] = request.headers[name] || null;
      }
      socket.send(JSON.stringify(seen));
    } else if (text === 'binary') {
      socket.send(Buffer.from([1, 2, 3]), { binary: true });
    } else if (text.startsWith('close ')) {
      socket.close(Number(text.substring(6)), 'asked to');
    } else {
      socket.send('ws: ' + text);
    }
  });
  socket.on('close', (code) => console.log('CLOSED ' + code));
});

server.on('listening', () => console.log('LISTENING ' + server.address().port));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
