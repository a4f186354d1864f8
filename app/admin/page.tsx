import Link from "next/link";
import { LocalTime } from "@/app/components/local-time";
import { listExperiments } from "@/lib/analysis/experiments";
import { keyOrigins, listApiKeys } from "@/lib/auth/api-keys";
import { requirePageRole } from "@/lib/auth/page-access";
import { listUsers } from "@/lib/auth/users";
import { listWebhooks, redactedUrl } from "@/lib/notify/webhooks";
import { CreateKeyForm, CreateUserForm, CreateWebhookForm, DeleteWebhookButton, RevokeKeyButton, UserActions } from "./admin-forms";

export const dynamic = "force-dynamic";
export const metadata = { title: "Admin · Experiment results" };

export default async function AdminPage() {
  const who = await requirePageRole("admin", "/admin");
  const [users, keys, hooks, experiments] = await Promise.all([listUsers(), listApiKeys(), listWebhooks(), listExperiments()]);
  return (
    <article>
      <div className="title-row">
        <h1>Admin</h1>
        <Link className="button" href="/admin/audit">
          Audit log
        </Link>
      </div>

      <section aria-labelledby="users-heading">
        <h2 id="users-heading">Users</h2>
        <p className="muted small">
          Viewers read; editors also create, edit, analyse and cancel; admins also manage users, keys and webhooks. New users get a
          one-time password to hand over (they change it under their account).
        </p>
        <CreateUserForm />
        <div className="table-wrap">
          <table className="stack-rows" data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Since</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} data-email={u.email} data-user-id={u.id}>
                  <th scope="row">
                    {u.email}
                    {who.kind === "user" && who.id === u.id ? <span className="badge">you</span> : null}
                  </th>
                  <td data-label="Name">{u.name}</td>
                  <td data-label="Role">
                    <span className="badge">{u.role}</span>
                  </td>
                  <td data-label="Since">
                    <LocalTime iso={u.createdAt.toISOString()} />
                  </td>
                  <td>
                    <UserActions userId={u.id} role={u.role} email={u.email} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading">API keys</h2>
        <p className="muted small">
          Send secret keys as <code>Authorization: Bearer exr_…</code>. A key is shown once when it is made; only its hash is kept.
        </p>
        <CreateKeyForm />
        <div className="table-wrap">
          <table className="stack-rows" data-testid="keys-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scope</th>
                <th scope="col">Origins</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} data-key-name={k.name} data-key-id={k.id}>
                  <th scope="row">{k.name}</th>
                  <td data-label="Scope">{k.scope}</td>
                  <td data-label="Origins" className="small">
                    {keyOrigins(k).join(" ") || "—"}
                  </td>
                  <td data-label="Created">
                    <LocalTime iso={k.createdAt.toISOString()} />
                    {k.createdBy ? <div className="muted small">by {k.createdBy}</div> : null}
                  </td>
                  <td data-label="Last used">{k.lastUsedAt ? <LocalTime iso={k.lastUsedAt.toISOString()} /> : "never"}</td>
                  <td>{k.revokedAt ? <span className="badge failed">revoked</span> : <RevokeKeyButton id={k.id} name={k.name} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="webhooks-heading">
        <h2 id="webhooks-heading">Webhooks</h2>
        <p className="muted small">
          After each analysis, a Slack-compatible message (<code>{"{ text, blocks }"}</code>) when it finds a sample-ratio mismatch, a
          failing guardrail, or a primary metric reaching a verdict. Retried with back-off; failures are listed here.
        </p>
        <CreateWebhookForm experiments={experiments.map((e) => ({ id: e.id, name: e.name }))} />
        {hooks.length === 0 ? <p className="muted">No webhooks.</p> : null}
        {hooks.map((h) => (
          <div className="panel" key={h.id} data-testid="webhook" data-webhook-id={h.id}>
            <div className="section-head">
              <h3>
                {redactedUrl(h.url)} · {h.experimentId ?? "every experiment"}
              </h3>
              <DeleteWebhookButton id={h.id} />
            </div>
            {h.deliveries.length === 0 ? (
              <p className="muted small">Nothing sent yet.</p>
            ) : (
              <div className="table-wrap">
                <table className="stack-rows">
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Experiment</th>
                      <th scope="col">Found</th>
                      <th scope="col">Status</th>
                      <th scope="col" className="num">
                        Attempts
                      </th>
                      <th scope="col">Last error</th>
                    </tr>
                  </thead>
                  <tbody>
                    {h.deliveries.map((d) => (
                      <tr key={d.id} data-status={d.status}>
                        <td>
                          <LocalTime iso={d.createdAt.toISOString()} />
                        </td>
                        <td data-label="Experiment">{d.experimentId}</td>
                        <td data-label="Found">{d.trigger}</td>
                        <td data-label="Status">
                          <span className={`badge ${d.status === "delivered" ? "succeeded" : d.status}`}>{d.status}</span>
                        </td>
                        <td data-label="Attempts" className="num">
                          {d.attempts}
                        </td>
                        <td className="small error-text">{d.lastError ?? ""}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        ))}
      </section>
    </article>
  );
}
