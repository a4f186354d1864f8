// Who is doing something (recording a decision, archiving, deleting): the one place that answers
// it. Until sign-in exists (issue 11) everybody is "anonymous"; then this returns the signed-in
// user (or the API key's name), and the callers stay as they are.
export async function currentActor(): Promise<string> {
  return "anonymous";
}
