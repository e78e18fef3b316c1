// The local DynamoDB of the tests and the AppHost: dynalite in memory on 127.0.0.1, tables ACTIVE at once.
// Usage: node server.js [port] [path] (port 0, the default, picks a free one; a path keeps the data in LevelDB files
// there, so a restart finds it). Prints "listening <url>" once it accepts.
const dynalite = require('dynalite');

const port = Number(process.argv[2] || 0);
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: process.argv[3] });
server.listen(port, '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${server.address().port}`);
});
// Ends with its parent: a test run or the AppHost that closes stdin stops it too.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
