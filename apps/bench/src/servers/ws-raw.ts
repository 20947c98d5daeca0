// Raw `ws`, as its users write a broadcast: a WebSocketServer, one JSON.stringify, a loop over clients.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocket, WebSocketServer } from 'ws'
import { FANOUT_PATH, PUBLISH_TYPE, TICK_TYPE } from './fanout-payload.js'
import { announce, argValue } from './server-ipc.js'

const server = createServer((_req, res) => res.writeHead(404).end())
const wss = new WebSocketServer({ server, path: FANOUT_PATH })

wss.on('connection', (socket) => {
  socket.on('message', (raw: Buffer) => {
    // a Buffer: the default binaryType
    const message = JSON.parse(raw.toString()) as { type?: string; data?: unknown }
    if (message.type !== PUBLISH_TYPE) return
    const frame = JSON.stringify({ type: TICK_TYPE, data: message.data })
    for (const client of wss.clients)
      if (client !== socket && client.readyState === WebSocket.OPEN) client.send(frame)
  })
})

server.listen(Number(argValue('port', '0')), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo
  announce(`http://127.0.0.1:${port}`)
})
