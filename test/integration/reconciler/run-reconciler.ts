/**
 * A reconciler in its own process, for the kill test: `tsx run-reconciler.ts <kubeconfig> <namespace>`.
 * Logs JSON lines to stdout.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { pino } from "pino";
import { startReconciler } from "../../../reconciler/controller.js";

const [kubeconfig, namespace] = process.argv.slice(2);
const kc = new KubeConfig();
kc.loadFromFile(kubeconfig ?? "");
const handle = await startReconciler({ kc, namespace, concurrency: 3, logger: pino({ base: undefined }) });
await handle.ready;
process.stdout.write(`${JSON.stringify({ msg: "ready" })}\n`);
