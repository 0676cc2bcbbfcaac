// Times @huggingface/gguf parsing the header of each GGUF file given, inside Node (process start
// excluded): warm-up parses, then timed parses, one at a time. Prints one JSON line per file.
// Usage: node bench.mjs [--warmup N] [--iterations N] FILE...
import { gguf } from "@huggingface/gguf";

const args = process.argv.slice(2);
let warmup = 20;
let iterations = 50;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--warmup") warmup = Number(args[++i]);
  else if (args[i] === "--iterations") iterations = Number(args[++i]);
  else files.push(args[i]);
}

for (const file of files) {
  let tensors = 0;
  for (let i = 0; i < warmup; i++) {
    tensors = (await gguf(file, { allowLocalFile: true })).tensorInfos.length;
  }
  const times = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    const { tensorInfos } = await gguf(file, { allowLocalFile: true });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    tensors = tensorInfos.length;
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(
    JSON.stringify({
      file,
      tensors,
      iterations,
      meanMs: mean,
      medianMs: times[Math.floor(times.length / 2)],
      minMs: times[0],
    }),
  );
}
