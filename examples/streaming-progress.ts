/**
 * Streaming both ways with progress: upload a body produced on the fly (no Content-Length,
 * nothing buffered) and download a large body chunk by chunk, with progress events.
 * Starts its own server on 127.0.0.1 (a free port), prints progress, exits.
 * In your project, import from 'ferry' instead of '../src/index.node.js'.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type Progress } from '../src/index.node.js';

const chunk = new Uint8Array(64 * 1024).fill(120); // 64 KiB of 'x'
const chunks = 16; // 1 MiB each way

const server = createServer((req, res) => {
  if (req.method === 'POST') {
    let received = 0;
    req.on('data', (part: Uint8Array) => (received += part.byteLength));
    req.on('end', () => res.end(JSON.stringify({ received, chunked: req.headers['transfer-encoding'] === 'chunked' })));
    return;
  }
  // GET: 1 MiB with a Content-Length, written in pieces
  res.writeHead(200, { 'content-length': String(chunk.byteLength * chunks), 'content-type': 'application/octet-stream' });
  let sent = 0;
  const pump = (): void => {
    while (sent < chunks) {
      sent++;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

function reporter(label: string): (p: Progress) => void {
  let lastQuarter = -1;
  return ({ loaded, total }) => {
    const size = total ?? chunk.byteLength * chunks; // unknown for a streamed upload
    const quarter = Math.floor((loaded / size) * 4);
    if (quarter !== lastQuarter) console.log(`${label}: ${loaded} / ${total ?? 'unknown'} bytes`);
    lastQuarter = quarter;
  };
}

// streaming:begin
const client = createClient({ baseURL: origin });

async function* produce(): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < chunks; i++) yield chunk; // pulled by the socket, one chunk at a time
}
const up = await client.post('/upload', { body: produce(), on: { uploadProgress: reporter('upload') } });
console.log('server says:', await up.json());

const down = await client.get('/download', { on: { downloadProgress: reporter('download') } });
let bytes = 0;
const reader = down.body!.getReader(); // reads as it arrives, never buffers the whole body
for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.byteLength;
console.log('downloaded', bytes, 'bytes');
// streaming:end

await client.close();
server.close();
