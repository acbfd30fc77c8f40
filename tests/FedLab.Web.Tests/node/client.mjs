// Follows one FedLab run through the hub with the official SignalR JavaScript client and checks the
// documented contract: JoinRun returns a snapshot, then RoundFinished / RunStatusChanged arrive live.
// Usage: node client.mjs <baseUrl> <runId> [accessKey]
// Prints one JSON line with what it saw; exit code 0 when every round 0..totalRounds arrived and the run finished.
import * as signalR from "@microsoft/signalr";

const [baseUrl, runId, accessKey] = process.argv.slice(2);
if (!baseUrl || !runId) {
  console.error("usage: node client.mjs <baseUrl> <runId> [accessKey]");
  process.exit(2);
}

const connection = new signalR.HubConnectionBuilder()
  .withUrl(`${baseUrl}/hubs/runs`, accessKey ? { accessTokenFactory: () => accessKey } : {})
  .configureLogging(signalR.LogLevel.Warning)
  .build();

const rounds = new Map();
let live = 0;
let status = null;
let totalRounds = null;
const problems = [];

function check(message) {
  for (const field of ["runId", "round", "totalRounds", "timestamp", "accuracy", "macroF1", "loss", "clients", "bytesUp", "bytesDown", "bytesUpByKind", "bytesDownByKind", "clientFlops", "wallSeconds"]) {
    if (!(field in message)) problems.push(`RoundFinished without '${field}'`);
  }
  if (message.runId !== runId) problems.push(`RoundFinished for run ${message.runId}`);
  if (typeof message.accuracy !== "number" || message.accuracy < 0 || message.accuracy > 1) problems.push(`accuracy ${message.accuracy}`);
}

let resolveDone;
const done = new Promise((resolve) => (resolveDone = resolve));
const finishedIfComplete = () => {
  if (status === "finished" && totalRounds !== null && rounds.size === totalRounds + 1) resolveDone();
};

connection.on("RoundFinished", (m) => {
  check(m);
  live++;
  totalRounds = m.totalRounds;
  rounds.set(m.round, m.accuracy);
  finishedIfComplete();
});
connection.on("ClientRoundFinished", () => {});
connection.on("RunStatusChanged", (m) => {
  if (m.runId !== runId) return;
  status = m.status;
  if (["failed", "cancelled", "interrupted", "deleted"].includes(status)) resolveDone();
  finishedIfComplete();
});

const timeout = setTimeout(() => resolveDone(), 180000);
try {
  await connection.start();
  const snapshot = await connection.invoke("JoinRun", runId);
  totalRounds = snapshot.totalRounds;
  for (const r of snapshot.rounds) rounds.set(r.round, r.accuracy);
  if (snapshot.status === "finished") status = "finished";
  // Test orchestration: the run waits in the queue behind a blocker run until this client has joined, so
  // its rounds must arrive live; cancelling the blocker lets it start.
  if (process.env.FEDLAB_CANCEL_AFTER_JOIN) {
    const response = await fetch(`${baseUrl}/api/runs/${process.env.FEDLAB_CANCEL_AFTER_JOIN}/cancel`, { method: "POST" });
    if (!response.ok) problems.push(`cancelling the blocker run answered ${response.status}`);
  }
  finishedIfComplete();
  await done;
} catch (err) {
  problems.push(String(err));
} finally {
  clearTimeout(timeout);
  await connection.stop().catch(() => {});
}

const ordered = [...rounds.keys()].sort((a, b) => a - b);
console.log(JSON.stringify({ runId, status, totalRounds, rounds: ordered, live, problems }));
const complete = status === "finished" && totalRounds !== null && ordered.length === totalRounds + 1 && ordered.every((r, i) => r === i);
process.exit(complete && problems.length === 0 ? 0 : 1);
