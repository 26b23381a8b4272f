// The ceiling the benchmark compares against: bare fastify answering "ok" on the same machine, same run.
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? 0);
const app = Fastify();
app.get('/ok', () => 'ok');
app.get('/redirect', (_request, reply) => reply.redirect('https://offer.example.com/lp?cid=abc', 302));
app.listen({ port, host: '127.0.0.1' }).then(
  (address) => process.stdout.write(`listening ${address}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
