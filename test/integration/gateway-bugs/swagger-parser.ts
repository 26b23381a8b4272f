import { spawn } from 'node:child_process';

/**
 * Runs `SwaggerParser.validate` (schema and semantic checks of an OpenAPI document) in a plain Node
 * child: swagger-parser's dependencies are ES modules, which jest's CommonJS runtime cannot load, while
 * Node loads them with require(). Resolves with the validator's verdict: `valid`, or its error message.
 */
export function validateOpenApi(document: unknown): Promise<string> {
  const parser = require.resolve('@apidevtools/swagger-parser');
  const script = `
    let input = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => (input += chunk));
    process.stdin.on('end', () => {
      require(process.argv[1]).validate(JSON.parse(input)).then(
        () => process.stdout.write('valid'),
        (error) => process.stdout.write(String(error && error.message)),
      );
    });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, parser], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (out === '' && code !== 0) reject(new Error(`swagger-parser exited with ${code}: ${err}`));
      else resolve(out);
    });
    child.stdin.end(JSON.stringify(document));
  });
}
