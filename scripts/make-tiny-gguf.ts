// Writes a tiny llama-architecture GGUF (F32, 2 layers, 64-dim, ~300-token SentencePiece vocab, ChatML
// template). No machine here can download weights, so tests and demos run REAL inference on this model.
// Its output is gibberish by design; what matters is that loaders, tokenizers, sampling, grammars and
// streaming all run for real. Usage: npx tsx scripts/make-tiny-gguf.ts [OUT.gguf]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from './lib/prng.ts';
import { encodeGguf, type GgufTensor, type GgufValue } from './lib/gguf-writer.ts';

export const DEFAULT_TINY_GGUF = '.tidepool/models/tiny.gguf';

const N_EMBD = 64;
const N_FF = 128;
const N_LAYER = 2;
const N_HEAD = 4;
// Declared context. RoPE has no learned positions, so any window works; llama.cpp caps each request at the
// declared length (wllama too), and the owner conversation reads what the agent knows before it writes an action.
const CONTEXT = 4096;
const SEED = 0x71de;

// SentencePiece token types as llama.cpp reads them.
const NORMAL = 1;
const UNKNOWN = 2;
const CONTROL = 3;
const BYTE = 6;

const SPECIAL = ['<unk>', '<s>', '</s>', '<|im_start|>', '<|im_end|>'] as const;
const EOS_ID = 4; // <|im_end|>: chat turns end on it, so it is the natural stop token

// ChatML, the same text llama.cpp and node-llama-cpp recognise as the "chatml" template.
const CHAT_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}" +
  "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const WORDS = [
  'the',
  'and',
  'to',
  'of',
  'in',
  'is',
  'you',
  'that',
  'it',
  'he',
  'we',
  'for',
  'on',
  'are',
  'with',
  'hello',
  'talk',
  'wait',
  'yes',
  'no',
  'ok',
  'what',
  'how',
  'who',
  'can',
  'will',
  'do',
  'go',
  'my',
  'your',
  'here',
  'now',
  'agent',
  'tide',
  'pool',
  'chat',
  'help',
  'good',
  'time',
  'see',
  'user',
  'system',
  'assistant',
];
const SUFFIXES = ['ing', 'ed', 'er', 'es', 'ly', 'tion', '":', '",', '{"', '"}'];

interface Vocab {
  tokens: string[];
  scores: number[];
  types: number[];
}

/**
 * Specials, then all 256 byte tokens, then printable characters and English pieces. llama.cpp's SentencePiece
 * tokenizer aborts the whole process (std::out_of_range) on any input character that has neither a piece nor
 * byte tokens, so every byte must exist; the logit bias below keeps bytes above 0x7F (which could form invalid
 * UTF-8) out of the output. Every prefix of a piece is in the vocab too: SentencePiece merges one pair at a time.
 */
export function tinyVocab(): Vocab {
  const v: Vocab = { tokens: [], scores: [], types: [] };
  const add = (t: string, score: number, type: number) => {
    if (v.tokens.includes(t)) return;
    v.tokens.push(t);
    v.scores.push(score);
    v.types.push(type);
  };
  SPECIAL.forEach((s, i) => add(s, 0, i === 0 ? UNKNOWN : CONTROL));
  for (let b = 0; b < 0x100; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, 0, BYTE);
  add('\u2581', -1, NORMAL);
  for (let c = 0x21; c < 0x7f; c++) add(String.fromCharCode(c), -1, NORMAL);
  const pieces = [...WORDS.map((w) => '\u2581' + w), ...SUFFIXES];
  for (const p of pieces) {
    // Longer pieces score higher so the tokenizer prefers whole words over their prefixes.
    for (let n = 2; n <= p.length; n++) add(p.slice(0, n), n - 1, NORMAL);
  }
  return v;
}

export function tinyTensors(vocabSize: number, biasOf: (token: number) => number, seed = SEED): GgufTensor[] {
  const rand = mulberry32(seed);
  // Sum of three uniforms: a bell-ish shape with std `scale`, using only arithmetic.
  const noise = (scale: number) => (rand() + rand() + rand() - 1.5) * 2 * scale;
  const filled = (n: number, scale: number) => Float32Array.from({ length: n }, () => noise(scale));
  const ones = (n: number) => new Float32Array(n).fill(1);

  // Dimension 0 of the residual stream is a constant "bias channel": embeddings set it to 1 and no layer
  // writes to it, so output.weight[token][0] acts as a per-token logit bias. That keeps control tokens and
  // ASCII control bytes (invalid in XML stanzas) out of generated text.
  const embd = filled(N_EMBD * vocabSize, 0.3);
  for (let t = 0; t < vocabSize; t++) embd[t * N_EMBD] = 1;
  const output = filled(N_EMBD * vocabSize, 0.3);
  for (let t = 0; t < vocabSize; t++) output[t * N_EMBD] = biasOf(t);
  const noBiasWrite = (w: Float32Array) => {
    w.fill(0, 0, w.length / N_EMBD); // row 0 of a [in, N_EMBD] matrix = everything written to dim 0
    return w;
  };

  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', dims: [N_EMBD, vocabSize], data: embd },
    { name: 'output_norm.weight', dims: [N_EMBD], data: ones(N_EMBD) },
    { name: 'output.weight', dims: [N_EMBD, vocabSize], data: output },
  ];
  for (let l = 0; l < N_LAYER; l++) {
    const p = `blk.${l}.`;
    tensors.push(
      { name: p + 'attn_norm.weight', dims: [N_EMBD], data: ones(N_EMBD) },
      { name: p + 'attn_q.weight', dims: [N_EMBD, N_EMBD], data: filled(N_EMBD * N_EMBD, 0.2) },
      { name: p + 'attn_k.weight', dims: [N_EMBD, N_EMBD], data: filled(N_EMBD * N_EMBD, 0.2) },
      { name: p + 'attn_v.weight', dims: [N_EMBD, N_EMBD], data: filled(N_EMBD * N_EMBD, 0.2) },
      { name: p + 'attn_output.weight', dims: [N_EMBD, N_EMBD], data: noBiasWrite(filled(N_EMBD * N_EMBD, 0.05)) },
      { name: p + 'ffn_norm.weight', dims: [N_EMBD], data: ones(N_EMBD) },
      { name: p + 'ffn_gate.weight', dims: [N_EMBD, N_FF], data: filled(N_EMBD * N_FF, 0.2) },
      { name: p + 'ffn_up.weight', dims: [N_EMBD, N_FF], data: filled(N_EMBD * N_FF, 0.2) },
      { name: p + 'ffn_down.weight', dims: [N_FF, N_EMBD], data: noBiasWrite(filled(N_FF * N_EMBD, 0.05)) },
    );
  }
  return tensors;
}

export function tinyGgufBytes(): Uint8Array {
  const vocab = tinyVocab();
  // Bias: specials, control bytes but newline (unwelcome in XML stanzas) and bytes from 0x7F up (they could
  // split UTF-8) are pushed far down so sampling never picks them; <|im_end|> only mildly, so turns end.
  // Backslash too: inside grammar-constrained JSON strings it starts escapes such as \f or \u0000, which
  // would smuggle control characters past the byte bias.
  const backslash = vocab.tokens.indexOf('\\');
  const biasOf = (t: number) => {
    if (t === EOS_ID) return -1.5;
    if (t === backslash || t === SPECIAL.length + 0x5c) return -30;
    if (t < SPECIAL.length) return -30;
    const byte = t - SPECIAL.length;
    if (byte < 0x100 && ((byte < 0x20 && byte !== 0x0a) || byte >= 0x7f)) return -30;
    return 0;
  };
  const meta: Array<[string, GgufValue]> = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: 'tidepool-tiny' }],
    ['llama.context_length', { type: 'u32', value: CONTEXT }],
    ['llama.embedding_length', { type: 'u32', value: N_EMBD }],
    ['llama.block_count', { type: 'u32', value: N_LAYER }],
    ['llama.feed_forward_length', { type: 'u32', value: N_FF }],
    ['llama.attention.head_count', { type: 'u32', value: N_HEAD }],
    ['llama.attention.head_count_kv', { type: 'u32', value: N_HEAD }],
    ['llama.rope.dimension_count', { type: 'u32', value: N_EMBD / N_HEAD }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.vocab_size', { type: 'u32', value: vocab.tokens.length }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'f32[]', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: vocab.types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: EOS_ID }],
    ['tokenizer.ggml.padding_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: false }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
    ['tokenizer.chat_template', { type: 'string', value: CHAT_TEMPLATE }],
  ];
  return encodeGguf(meta, tinyTensors(vocab.tokens.length, biasOf), 32);
}

/** Writes the model to `path` (directories created); returns its size in bytes. */
export function writeTinyGguf(path: string = DEFAULT_TINY_GGUF): number {
  const bytes = tinyGgufBytes();
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, bytes);
  return bytes.length;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? DEFAULT_TINY_GGUF;
  const size = writeTinyGguf(out);
  console.log(`wrote ${out} (${size} bytes)`);
}
