import { badgeText } from "../lib/initials";
import type { PublicMember } from "../models/site.server";

type Member = Pick<PublicMember, "name" | "website" | "logo"> & { shortName?: string };

/**
 * An organization's mark: its logo, or, when it has none, a badge with its short name or initials.
 * The badge is decorative (the name is written beside it); the logo is too unless `logoAlt` gives
 * it the name, where the logo stands alone.
 */
export function OrganizationBadge({
  name,
  shortName,
  logo,
  size,
  logoAlt = "",
}: {
  name: string;
  shortName?: string;
  logo: Member["logo"];
  size: "small" | "large";
  logoAlt?: string;
}) {
  if (logo) {
    return (
      <img
        className={`member-logo org-logo-${size}`}
        src={logo.src}
        alt={logoAlt}
        width={logo.width ?? undefined}
        height={logo.height ?? undefined}
        loading="lazy"
        decoding="async"
      />
    );
  }
  return (
    <span className={`org-badge org-badge-${size}`} aria-hidden="true">
      {badgeText(name, shortName)}
    </span>
  );
}

/**
 * The members' marks, each linked to the organization's own site when it has one: a logo (with
 * the name as its text), or a badge with the name written under it. The name appears once.
 */
export function MemberWall({ members }: { members: Member[] }) {
  return (
    <ul className="member-wall">
      {members.map((m) => {
        const inner = m.logo ? (
          <OrganizationBadge name={m.name} logo={m.logo} size="large" logoAlt={m.name} />
        ) : (
          <>
            <OrganizationBadge name={m.name} shortName={m.shortName} logo={null} size="large" />
            <span className="member-name">{m.name}</span>
          </>
        );
        return (
          <li key={m.name}>
            {m.website ? (
              <a href={m.website} className="member-link">
                {inner}
              </a>
            ) : (
              <span className="member-link">{inner}</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
