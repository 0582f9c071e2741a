// Runs s3rver on 127.0.0.1 with a free port and prints {"port":N} once it listens.
// Started by test/contract/s3rver.ts with `node --openssl-legacy-provider` (s3rver's list
// continuation tokens use DES, which Node 20's OpenSSL 3 only offers through the legacy provider).
import S3rver from 's3rver';

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name })),
});
server.run().then(
  (address) => {
    process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
  },
  (err) => {
    process.stderr.write(`s3rver failed: ${err && err.stack}\n`);
    process.exit(1);
  },
);
// exit when the parent goes away
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
