/**
 * An organization's members on its profile page (`GET /api/organizations/:org/members`),
 * and for its admins (and hub admins) member management: add a user with a role
 * (`POST …/members`), change a role (`PUT …/members/:user/role`), remove (`DELETE …/members/:user`).
 */
import { type FormEvent, useEffect, useState } from "react";
import { api } from "../../api";
import { Avatar } from "../../components/Layout";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBox } from "../../components/ErrorBox";
import { Spinner } from "../../components/Spinner";
import { Link } from "../../router";
import { useSession } from "../../session";
import { useAction } from "../../use-action";
import { useApi } from "../../use-api";
import "../manage.css";

type Role = "read" | "contributor" | "write" | "admin";
interface Member {
  user: string;
  fullname: string;
  role: Role;
}

const roles: Array<{ value: Role; label: string }> = [
  { value: "read", label: "Read" },
  { value: "contributor", label: "Contributor" },
  { value: "write", label: "Write" },
  { value: "admin", label: "Admin" },
];

export const roleHelp = "Read: see private repos. Contributor: also create repos and write those they created. Write: write every repo of the org. Admin: also manage members and settings.";

export function OrgMembers({ org, onCount }: { org: string; onCount?: (count: number) => void }) {
  const session = useSession();
  const path = `/api/organizations/${encodeURIComponent(org)}/members`;
  const members = useApi<Member[]>(path);
  const count = members.data?.length;
  useEffect(() => {
    if (count !== undefined) onCount?.(count);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [count]);
  const me = session.user;
  const canManage = !!me && (me.isAdmin || !!members.data?.some((m) => m.user === me.name && m.role === "admin"));
  return (
    <section className="profile-section" aria-labelledby="org-members">
      <div className="page-head profile-section-head">
        <h2 id="org-members">
          Members{members.data && <span className="count"> {members.data.length}</span>}
        </h2>
      </div>
      {members.loading && <Spinner />}
      {members.error && <ErrorBox error={members.error} title="Could not load the members" onRetry={members.reload} />}
      {members.data && members.data.length === 0 && <EmptyState title="No members yet" />}
      {members.data && members.data.length > 0 && (
        <div className="table-scroll">
          <table className="table members-table">
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                {canManage && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {members.data.map((m) => (
                <MemberRow key={m.user} org={org} member={m} canManage={canManage} onChanged={members.reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canManage && <AddMember org={org} onAdded={members.reload} />}
    </section>
  );
}

function MemberRow({ org, member, canManage, onChanged }: { org: string; member: Member; canManage: boolean; onChanged: () => void }) {
  const action = useAction();
  const base = `/api/organizations/${encodeURIComponent(org)}/members/${encodeURIComponent(member.user)}`;
  const run = (request: () => Promise<unknown>) =>
    action.run(async () => {
      await request();
      onChanged();
    });
  const remove = () => {
    if (!window.confirm(`Remove ${member.user} from ${org}? They lose access to its private repos at once.`)) return;
    void run(() => api(base, { method: "DELETE" }));
  };
  return (
    <tr>
      <td>
        <Link to={`/${encodeURIComponent(member.user)}`} className="member-name">
          <Avatar name={member.user} size={24} /> {member.user}
        </Link>
        {member.fullname && member.fullname !== member.user && <span className="muted"> {member.fullname}</span>}
        {action.error !== undefined && <ErrorBox error={action.error} title="Could not change this member" />}
      </td>
      <td>
        {canManage ? (
          <>
            <label htmlFor={`role-${member.user}`} className="visually-hidden">
              Role of {member.user}
            </label>
            <select
              id={`role-${member.user}`}
              className="select"
              value={member.role}
              disabled={action.busy}
              onChange={(e) => void run(() => api(`${base}/role`, { method: "PUT", json: { role: e.target.value } }))}
            >
              {roles.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
          </>
        ) : (
          <span className="badge">{member.role}</span>
        )}
      </td>
      {canManage && (
        <td className="member-actions-cell">
          <button type="button" className="btn btn-small btn-danger" onClick={remove} disabled={action.busy} aria-label={`Remove ${member.user}`}>
            Remove
          </button>
        </td>
      )}
    </tr>
  );
}

function AddMember({ org, onAdded }: { org: string; onAdded: () => void }) {
  const [user, setUser] = useState("");
  const [role, setRole] = useState<Role>("read");
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      await api(`/api/organizations/${encodeURIComponent(org)}/members`, { json: { user: user.trim(), role } });
      setUser("");
      onAdded();
    });
  };
  return (
    <form className="form card card-soft add-member" onSubmit={(e) => void submit(e)} aria-labelledby="add-member-title">
      <h3 id="add-member-title">Add a member</h3>
      {action.error !== undefined && <ErrorBox error={action.error} title="Could not add the member" />}
      <div className="row">
        <div className="field">
          <label htmlFor="member-user">Username</label>
          <input id="member-user" className="input" value={user} onChange={(e) => setUser(e.target.value)} required spellCheck={false} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="member-role">Role</label>
          <select id="member-role" className="select" value={role} onChange={(e) => setRole(e.target.value as Role)} aria-describedby="member-role-help">
            {roles.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn btn-primary" disabled={action.busy || user.trim() === ""}>
          {action.busy ? "Adding…" : "Add member"}
        </button>
      </div>
      <p id="member-role-help" className="field-help">
        {roleHelp}
      </p>
    </form>
  );
}
