// The local DynamoDB of the tests and the AppHost: dynalite on 127.0.0.1, tables ACTIVE at once.
// Usage: node server.js [port] [path] [--exit-with-stdin]
//   port: 0 (the default) picks a free one; PORT in the environment is used when no port is given (the AppHost).
//   path: keep the data in LevelDB files there, so a restart finds it (in memory otherwise).
//   --exit-with-stdin: end when stdin closes (a test run that dies takes it along).
// TABLE in the environment: create that table (the limits table's shape: pk, on demand) once listening.
// Prints "listening <url>" once it accepts (and the table exists).
const http = require('http');
const dynalite = require('dynalite');

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const port = Number(args[0] || process.env.PORT || 0);
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: args[1] });

function createTable(url, table, done) {
  const body = JSON.stringify({
    TableName: table,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  });
  const request = http.request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.CreateTable',
      // dynalite checks that a request is signed, not the signature.
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=local',
      'x-amz-date': '20260101T000000Z',
    },
  }, (response) => {
    response.resume();
    response.on('end', () => done(response.statusCode === 200 || response.statusCode === 400));
  });
  request.on('error', () => done(false));
  request.end(body);
}

server.listen(port, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  const ready = () => console.log(`listening ${url}`);
  if (process.env.TABLE) {
    createTable(url, process.env.TABLE, (ok) => {
      if (!ok) {
        console.error(`could not create table ${process.env.TABLE}`);
        process.exit(1);
      }
      console.log(`table ${process.env.TABLE}`);
      ready();
    });
  } else {
    ready();
  }
});

if (process.argv.includes('--exit-with-stdin')) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
