import { Form, Link, NavLink, useLocation } from "@remix-run/react";
import { useEffect, useRef, type ReactNode } from "react";
import { can, type Action, type Actor } from "../lib/permissions";
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

type NavLinkSpec = { to: string; label: string; action?: Action };

/** The workspace's pages in three groups: the work itself, the coalition's people, its records. */
const navGroups: { label: string; links: NavLinkSpec[] }[] = [
  {
    label: "Work",
    links: [
      { to: "/app", label: "Dashboard" },
      { to: "/app/proposals", label: "Proposals" },
      { to: "/app/positions", label: "Positions", action: "position:publish" },
    ],
  },
  {
    label: "Coalition",
    links: [
      { to: "/app/organizations", label: "Organizations", action: "organization:manage" },
      { to: "/app/people", label: "People", action: "person:manage" },
      { to: "/app/inquiries", label: "Inquiries", action: "inquiry:manage" },
      { to: "/app/site", label: "Site text", action: "site:edit" },
    ],
  },
  {
    label: "Records",
    links: [
      { to: "/app/outbox", label: "Outbox", action: "outbox:read" },
      { to: "/app/audit", label: "Audit trail", action: "audit:read" },
    ],
  },
];

function visibleGroups(person: ShellPerson) {
  return navGroups
    .map((g) => ({ label: g.label, links: g.links.filter((l) => !l.action || can(person, l.action)) }))
    .filter((g) => g.links.length > 0);
}

function personLabel(person: ShellPerson) {
  return `${person.name}${person.organizationName ? `, ${person.organizationName}` : person.role === "convener" ? ", convener" : ""}`;
}

/**
 * The workspace's navigation: links grouped under names. `showLabels` writes the groups' names
 * (the narrow menu); wide, the groups are set apart by a line and named for screen readers only.
 */
function WorkspaceNav({
  groups,
  showLabels,
  idPrefix,
}: {
  groups: ReturnType<typeof visibleGroups>;
  showLabels: boolean;
  idPrefix: string;
}) {
  return (
    <nav className="app-nav" aria-label="Workspace">
      {groups.map((g) => (
        <div className="nav-group" key={g.label}>
          <p className={showLabels ? "nav-group-label" : "visually-hidden"} id={`${idPrefix}-${g.label.toLowerCase()}`}>
            {g.label}
          </p>
          <ul aria-labelledby={`${idPrefix}-${g.label.toLowerCase()}`}>
            {g.links.map((l) => (
              <li key={l.to}>
                <NavLink to={l.to} end={l.to === "/app"}>
                  {l.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}

function AccountLinks({ person }: { person: ShellPerson }) {
  return (
    <div className="signed-in">
      <NavLink to="/" reloadDocument>
        Public site
      </NavLink>
      <NavLink to="/app/profile">{personLabel(person)}</NavLink>
      <Form method="post" action="/logout" reloadDocument>
        <button type="submit" className="secondary">
          Log out
        </button>
      </Form>
    </div>
  );
}

/**
 * The workspace's frame. Wide: the site's name and the account on one line, the grouped
 * navigation under it. Narrow (under 48em): the site's name and a Menu that opens the same links,
 * a <details> element, so it works without JavaScript and with the keyboard; with JavaScript it
 * closes on Escape and after each navigation. Only one of the two is displayed at any width.
 */
export function AppShell({ person, children }: { person: ShellPerson; children: ReactNode }) {
  const site = useSite();
  const location = useLocation();
  const groups = visibleGroups(person);
  const menu = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    const details = menu.current;
    if (!details) return;
    // Escape closes the open menu and puts the focus back on its button.
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || !details.open) return;
      details.open = false;
      details.querySelector("summary")?.focus();
    };
    details.addEventListener("keydown", onKey);
    return () => details.removeEventListener("keydown", onKey);
  }, [location.pathname]);
  return (
    <>
      <header className="site-header app-header">
        <div className="site-header-inner">
          <Link to="/app" className="site-name">
            {site?.shortName ?? "CARE Table"} <span className="visually-hidden">workspace</span>
          </Link>
          <div className="app-wide">
            <AccountLinks person={person} />
          </div>
          <details className="app-menu" key={location.pathname} ref={menu}>
            <summary>Menu</summary>
            <div className="app-menu-panel">
              <WorkspaceNav groups={groups} showLabels idPrefix="menu" />
              <AccountLinks person={person} />
            </div>
          </details>
        </div>
        <div className="app-nav-bar app-wide">
          <div className="site-header-inner">
            <WorkspaceNav groups={groups} showLabels={false} idPrefix="nav" />
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
