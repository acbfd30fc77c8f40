// Reads {"tokenizer": "qwen3", "texts": [...]} on stdin and prints [[ids], ...]: the JavaScript tokenizer's ids
// for each text, without added special tokens (FedLab adds the begin-of-text token itself, per tokenizer.json).
// With "chats" instead of "texts": the ids of each conversation through the tokenizer's chat template.
const chunks = [];
process.stdin.on('data', c => chunks.push(c));
process.stdin.on('end', () => {
  const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const tokenizer = require(`@lenml/tokenizer-${request.tokenizer}`).fromPreTrained();
  if (request.chats) {
    // {"chats": [[{role, content}, ...], ...], "generationPrompt": bool}: the ids of the tokenizer's own chat template
    // (tokenizer_config.json's chat_template, rendered by transformers.js's apply_chat_template).
    const ids = request.chats.map(messages => Array.from(tokenizer.apply_chat_template(messages,
      { tokenize: true, add_generation_prompt: !!request.generationPrompt, return_tensor: false })));
    process.stdout.write(JSON.stringify(ids));
    return;
  }
  const ids = request.texts.map(text => Array.from(tokenizer.encode(text, { add_special_tokens: false })));
  process.stdout.write(JSON.stringify(ids));
});
