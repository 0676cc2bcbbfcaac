// The llama.cpp peer: loads GGUF files in real llama.cpp (node-llama-cpp's prebuilt CPU
// libraries, no GPU, nothing built or downloaded) and prints, per case, the log lines llama.cpp
// writes while it allocates the model, the KV cache and the compute buffers.
//
// Usage: node peer.mjs CASES.json > OUT.jsonl
// CASES.json: [{"id", "file", "nCtx", "seqs", "ubatch", "flash", "typeK", "typeV", "mmap"}, ...]
// nCtx is llama.cpp's n_ctx (all sequences' cells, as llama-server's -c); ubatch is n_ubatch
// (node-llama-cpp sets n_batch = n_ubatch); typeK/typeV are ggml type names (f16, q8_0, ...).
// Each output line: {"id", "ok", "error"?, "lines": [...]}.
//
// The context is created through node-llama-cpp's addon (AddonContext) directly, so llama.cpp
// gets exactly these parameters: the public LlamaContext multiplies the context by the sequences
// and adds a token to the batch of sliding-window models.
import fs from "node:fs";
import { getLlama, LlamaLogLevel } from "node-llama-cpp";

const GGML_TYPES = { f32: 0, f16: 1, q4_0: 2, q4_1: 3, q5_0: 6, q5_1: 7, q8_0: 8, iq4_nl: 20, bf16: 30 };
const WANTED = /buffer size|llama_kv_cache|n_ctx|n_ubatch|flash_attn|type_k|type_v|failed|error/i;

const cases = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
let lines = [];
const llama = await getLlama({
  gpu: false,
  build: "never",
  usePrebuiltBinaries: true,
  skipDownload: true,
  progressLogs: false,
  logLevel: LlamaLogLevel.debug,
  logger: (level, message) => {
    for (const line of String(message).split("\n")) {
      if (WANTED.test(line)) {
        lines.push(line.trim());
      }
    }
  },
});
process.stderr.write(`llama.cpp ${llama.llamaCppRelease?.release ?? "?"}, gpu ${llama.gpu}\n`);

// llama.cpp's log lines reach JavaScript asynchronously: wait for them to arrive before moving on
const settle = () => new Promise((resolve) => setTimeout(resolve, 250));

const models = new Map();
for (const c of cases) {
  lines = [];
  const out = { id: c.id };
  try {
    const key = `${c.file}|${c.mmap}`;
    let loaded = models.get(key);
    if (loaded === undefined) {
      for (const m of models.values()) {
        await m.model.dispose();
      }
      models.clear();
      const model = await llama.loadModel({ modelPath: c.file, gpuLayers: 0, useMmap: c.mmap });
      await settle();
      loaded = { model, lines };
      models.set(key, loaded);
      lines = [];
    }
    out.modelLines = loaded.lines;
    const model = loaded.model;
    const ctx = new llama._bindings.AddonContext(model._model, {
      contextSize: c.nCtx,
      batchSize: c.ubatch,
      sequences: c.seqs,
      flashAttention: c.flash,
      threads: 1,
      kvCacheKeyType: GGML_TYPES[c.typeK],
      kvCacheValueType: GGML_TYPES[c.typeV],
      swaFullCache: false,
    });
    const ok = await ctx.init();
    out.ok = ok === true;
    await settle();
    await ctx.dispose();
    await settle();
  } catch (e) {
    out.ok = false;
    out.error = String(e?.message ?? e);
  }
  out.lines = lines;
  process.stdout.write(JSON.stringify(out) + "\n");
}
for (const m of models.values()) {
  await m.model.dispose();
}
await llama.dispose();
