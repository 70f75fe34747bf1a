/**
 * webgpu-rnn command line.
 *   selfcheck   print the adapter, check GEMM, measure its GFLOP/s
 */
import { selfCheck } from './selfcheck.js';

const USAGE = `usage: webgpu-rnn <command>
commands:
  selfcheck    print the adapter, check GEMM against float64, measure GFLOP/s`;

async function main(argv: string[]): Promise<number> {
  const [command = 'selfcheck', ...rest] = argv;
  if (rest.length > 0 && command === 'selfcheck') {
    console.error(`selfcheck takes no arguments, got: ${rest.join(' ')}\n${USAGE}`);
    return 2;
  }
  switch (command) {
    case 'selfcheck':
      return (await selfCheck()) ? 0 : 1;
    case 'help':
    case '--help':
      console.log(USAGE);
      return 0;
    default:
      console.error(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
      return 2;
  }
}

// Dawn keeps the process alive, so the CLI exits explicitly.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
