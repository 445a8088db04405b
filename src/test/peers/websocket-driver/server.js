// A hixie-76 echo server on websocket-driver (Node), for ThirdPartyServersIT: listens on a free
// loopback port, prints "LISTENING <port>", echoes every text message, answers the closing
// handshake as the driver does, and runs until its standard input ends.
// Usage: node server.js NODE_MODULES_DIR (where package.json here was installed)
'use strict';

const http = require('http');
const path = require('path');
const driverModule = require(path.join(process.argv[2], 'websocket-driver'));

const server = http.createServer((request, response) => {
  response.writeHead(404, { 'Content-Type': 'text/plain' });
  response.end('not a WebSocket request\n');
});

server.on('upgrade', (request, socket, head) => {
  if (!driverModule.isWebSocket(request)) {
    socket.destroy();
    return;
  }
  // websocket-driver 0.8.0 answers hixie-75/76 with 400 unless drafts are allowed.
  const driver = driverModule.http(request, { allowDrafts: true, protocols: ['chat'] });
  driver.io.write(head);
  socket.pipe(driver.io).pipe(socket);
  driver.messages.on('data', (message) => driver.text(message));
  driver.on('close', () => socket.end());
  socket.on('error', () => socket.destroy());
  driver.start();
});

server.listen(0, '127.0.0.1', () => {
  console.log('LISTENING ' + server.address().port);
});

process.stdin.on('data', () => {});
process.stdin.on('end', () => process.exit(0));
