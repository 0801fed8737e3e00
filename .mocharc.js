// `npm test` runs every test; `npx mocha <file>...` runs just those files (mocha would otherwise add the
// whole suite from `spec` to the files named on the command line).
const named = process.argv.slice(2).some((a) => /\.test\.js$/.test(a));
module.exports = {
  ...(named ? {} : { spec: ['server/dist/test/**/*.test.js', 'client/dist/test/unit/**/*.test.js'] }),
  timeout: 120000,
  reporter: 'spec',
  // A handle left open by some test (an idle worker thread kept the run alive until CI's limit) must not
  // hang the run once every test has passed; lsp-bound.test.ts checks the worker itself.
  exit: true,
  require: ['server/dist/test/support/hooks.js'],
};
