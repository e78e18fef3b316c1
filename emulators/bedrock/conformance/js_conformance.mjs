// Drives the local Bedrock with AWS's JavaScript SDK v3, unchanged: its Bedrock Runtime client speaks HTTP/2 by default
// (NodeHttp2Handler: h2c with prior knowledge on http://, ALPN h2 on https://), signs with its own SigV4 signer and
// parses event streams with its own codec. Prints one JSON object of what the SDK reported; BedrockEmulator.Tests
// (JsSdkConformanceTests) holds the expectations.
// Usage: node js_conformance.mjs <endpoint>   (for https, trust the emulator's CA with NODE_EXTRA_CA_CERTS=<ca.pem>)
import * as sdk from "@aws-sdk/client-bedrock-runtime";

const { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand, InvokeModelCommand } = sdk;

const endpoint = process.argv[2];
const credentials = { accessKeyId: "BNPLOCALTESTACCESSKEY", secretAccessKey: "bnp-local-test-secret-not-a-real-key" };
const client = (secretAccessKey = credentials.secretAccessKey) =>
  new BedrockRuntimeClient({ endpoint, region: "us-east-1", maxAttempts: 1, credentials: { ...credentials, secretAccessKey } });
const bedrock = client();
const user = (text) => [{ role: "user", content: [{ text }] }];
const tools = {
  tools: [{
    toolSpec: {
      name: "get_weather",
      description: "Weather",
      inputSchema: { json: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
    },
  }],
};
// typed: the SDK raised its own class for the error (a modelled exception), not a generic ServiceException.
const error = (e) => ({
  name: e.name, status: e.$metadata?.httpStatusCode ?? null, fault: e.$fault, message: e.message,
  typed: typeof sdk[e.name] === "function" && e instanceof sdk[e.name],
});

async function attempt(run) {
  try {
    return await run();
  } catch (e) {
    return { error: error(e) };
  }
}

const report = {};
report.handler = bedrock.config.requestHandler?.constructor?.name;

report.converse = await attempt(async () => {
  const r = await bedrock.send(new ConverseCommand({ modelId: "amazon.nova-lite-v1:0", messages: user("hello there"), inferenceConfig: { maxTokens: 50 } }));
  return { text: r.output.message.content[0].text, stopReason: r.stopReason, usage: r.usage, requestId: r.$metadata.requestId, status: r.$metadata.httpStatusCode };
});

report.converseStream = await attempt(async () => {
  const r = await bedrock.send(new ConverseStreamCommand({ modelId: "amazon.nova-micro-v1:0", messages: user("stream me") }));
  const kinds = [];
  let text = "";
  let usage;
  for await (const event of r.stream) {
    const kind = Object.keys(event).find((k) => event[k] !== undefined);
    kinds.push(kind);
    text += event.contentBlockDelta?.delta?.text ?? "";
    usage ??= event.metadata?.usage;
  }
  return { kinds, text, usage };
});

report.toolUse = await attempt(async () => {
  const r = await bedrock.send(new ConverseCommand({ modelId: "us.amazon.nova-pro-v1:0", messages: user("call get_weather city=Paris"), toolConfig: tools }));
  const use = r.output.message.content.find((b) => b.toolUse)?.toolUse;
  return { stopReason: r.stopReason, name: use?.name, input: use?.input };
});

report.toolUseStream = await attempt(async () => {
  const r = await bedrock.send(new ConverseStreamCommand({ modelId: "us.amazon.nova-pro-v1:0", messages: user("call get_weather city=Oslo"), toolConfig: tools }));
  let name;
  let input = "";
  let stopReason;
  for await (const event of r.stream) {
    name ??= event.contentBlockStart?.start?.toolUse?.name;
    input += event.contentBlockDelta?.delta?.toolUse?.input ?? "";
    stopReason ??= event.messageStop?.stopReason;
  }
  return { name, input: JSON.parse(input), stopReason };
});

const embed = async (modelId, body) => {
  const r = await bedrock.send(new InvokeModelCommand({ modelId, contentType: "application/json", accept: "application/json", body: JSON.stringify(body) }));
  return JSON.parse(new TextDecoder().decode(r.body));
};
const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

report.titanEmbedding = await attempt(async () => {
  const r = await embed("amazon.titan-embed-text-v2:0", { inputText: "embed me", dimensions: 256 });
  return { dimensions: r.embedding.length, norm: norm(r.embedding), inputTextTokenCount: r.inputTextTokenCount };
});

report.novaEmbedding = await attempt(async () => {
  const r = await embed("amazon.nova-2-multimodal-embeddings-v1:0", {
    taskType: "SINGLE_EMBEDDING",
    singleEmbeddingParams: { embeddingPurpose: "GENERIC_INDEX", embeddingDimension: 384, text: { truncationMode: "END", value: "embed me" } },
  });
  return { count: r.embeddings.length, embeddingType: r.embeddings[0].embeddingType, dimensions: r.embeddings[0].embedding.length, norm: norm(r.embeddings[0].embedding) };
});

report.validation = await attempt(async () => {
  await bedrock.send(new ConverseCommand({ modelId: "amazon.nova-lite-v1:0", messages: [{ role: "assistant", content: [{ text: "hi" }] }] }));
  return { error: null };
});

report.midStream = await attempt(async () => {
  const r = await bedrock.send(new ConverseStreamCommand({ modelId: "amazon.nova-lite-v1:0", messages: user("[[fault:midstream-throttle]] one two three four") }));
  const kinds = [];
  for await (const event of r.stream) {
    kinds.push(Object.keys(event)[0]);
  }
  return { kinds };
});

report.badSignature = await attempt(async () => {
  await client("wrong").send(new ConverseCommand({ modelId: "amazon.nova-lite-v1:0", messages: user("hi") }));
  return { error: null };
});

bedrock.destroy();
console.log(JSON.stringify(report));
