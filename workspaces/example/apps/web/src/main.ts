// Production wiring: the generated tracker over customerio-node's TrackClient. CIO_TRACK_URL
// points it at another host (a local capture server in cioctl's tests).
import { RegionUS, TrackClient } from "customerio-node";
import { signUp, upgrade } from "./signup.js";
import { RecordingTracker, Tracker } from "./tracking.js";

const env = process.env;
const client = new TrackClient(env["CIO_SITE_ID"] ?? "", env["CIO_TRACK_API_KEY"] ?? "", {
  region: RegionUS,
  ...(env["CIO_TRACK_URL"] ? { url: env["CIO_TRACK_URL"] } : {}),
});
const tracker = new Tracker(client, { validation: "warn" });
await signUp(tracker, "42", "ada@example.com", "github");

// What a unit test does: record, and check what was sent.
const recorder = new RecordingTracker();
await upgrade(recorder, "42", 29);
if (recorder.events("subscription_started").length !== 1) throw new Error("not recorded");
