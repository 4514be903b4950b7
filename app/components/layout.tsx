import { Form, Link, NavLink } from "@remix-run/react";
import type { ReactNode } from "react";
import { can, type Actor } from "../lib/permissions";
import { pillarKeys, pillarNames } from "../lib/pillars";
import { useSite } from "../root";

const publicLinks = [
  { to: "/", label: "Home" },
  { to: "/members", label: "Members" },
  { to: "/positions", label: "Positions" },
  { to: "/join", label: "Join" },
] as const;

/** The public site's frame: header with the main navigation, the page, and the footer. */
export function PublicLayout({ children }: { children: ReactNode }) {
  const site = useSite();
  const name = site?.siteName ?? "CARE Table";
  return (
    <>
      <header className="site-header">
        <div className="site-header-inner">
          <Link to="/" className="site-name">
            {name}
          </Link>
          <nav className="site-nav" aria-label="Main">
            <ul>
              {publicLinks.map((l) => (
                <li key={l.to}>
                  <NavLink to={l.to} end={l.to === "/"}>
                    {l.label}
                  </NavLink>
                </li>
              ))}
              <li>
                <NavLink to="/login">Member sign in</NavLink>
              </li>
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <div className="site-footer-inner">
          <nav aria-label="The CARE pillars">
            <ul className="inline-list">
              {pillarKeys.map((key) => (
                <li key={key}>
                  <Link to={`/pillars/${key}`}>{pillarNames[key]}</Link>
                </li>
              ))}
            </ul>
          </nav>
          <p>{name}: Coverage, Access, Research and Equity.</p>
          {site?.convenerLine ? <p>{site.convenerLine}</p> : null}
          {site?.contactEmail ? (
            <p>
              Contact: <a href={`mailto:${site.contactEmail}`}>{site.contactEmail}</a>
            </p>
          ) : null}
        </div>
      </footer>
    </>
  );
}

export interface ShellPerson extends Actor {
  name: string;
  organizationName: string | null;
}

const adminLinks = [
  { to: "/app/positions", label: "Positions", action: "position:publish" },
  { to: "/app/organizations", label: "Organizations", action: "organization:manage" },
  { to: "/app/people", label: "People", action: "person:manage" },
  { to: "/app/inquiries", label: "Inquiries", action: "inquiry:manage" },
  { to: "/app/site", label: "Site text", action: "site:edit" },
  { to: "/app/outbox", label: "Outbox", action: "outbox:read" },
  { to: "/app/audit", label: "Audit trail", action: "audit:read" },
] as const;

export function AppShell({ person, children }: { person: ShellPerson; children: ReactNode }) {
  const site = useSite();
  return (
    <>
      <header className="site-header">
        <div className="site-header-inner">
          <Link to="/app" className="site-name">
            {site?.shortName ?? "CARE Table"} <span className="visually-hidden">workspace</span>
          </Link>
          <nav className="site-nav" aria-label="Workspace">
            <ul>
              <li>
                <NavLink to="/app" end>
                  Dashboard
                </NavLink>
              </li>
              <li>
                <NavLink to="/app/proposals">Proposals</NavLink>
              </li>
              {adminLinks
                .filter((l) => can(person, l.action))
                .map((l) => (
                  <li key={l.to}>
                    <NavLink to={l.to}>{l.label}</NavLink>
                  </li>
                ))}
              <li>
                <NavLink to="/" reloadDocument>
                  Public site
                </NavLink>
              </li>
            </ul>
          </nav>
          <div className="signed-in">
            <NavLink to="/app/profile">
              {person.name}
              {person.organizationName ? `, ${person.organizationName}` : person.role === "convener" ? ", convener" : ""}
            </NavLink>
            <Form method="post" action="/logout" reloadDocument>
              <button type="submit" className="secondary">
                Log out
              </button>
            </Form>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
