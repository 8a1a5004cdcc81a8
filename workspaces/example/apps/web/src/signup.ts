// Sign-up and upgrade in the example web app: what they tell Customer.io, through the
// tracker cioctl generated. The tracker is passed in: production hands it customerio-node's
// TrackClient, unit tests a RecordingTracker. Each call returns what the client returns (a
// promise for TrackClient), awaited so a failed request is not lost.
import { Tracker } from "./tracking.js";

export async function signUp(tracker: Tracker, userId: string, email: string,
                             method: "google" | "email" | "github"): Promise<void> {
  await tracker.identify(userId, { email, plan: "free", onboarding_step: "started" });
  await tracker.signedUp(userId, { method, plan: "free" });
}

export async function upgrade(tracker: Tracker, userId: string, amount: number): Promise<void> {
  await tracker.planUpgraded(userId, { from_plan: "free", to_plan: "pro" });
  await tracker.subscriptionStarted(userId, { plan: "pro", amount, interval: "month" });
  await tracker.identify(userId, { plan: "pro", mrr: amount });
}
