import type { PublicMember } from "../models/site.server";

type Member = Pick<PublicMember, "name" | "website" | "logo">;

/** A member's logo (its name as the text alternative), or its name when it has no logo. */
export function MemberMark({ member }: { member: Member }) {
  if (!member.logo) return <span className="member-name">{member.name}</span>;
  return (
    <img
      className="member-logo"
      src={member.logo.src}
      alt={member.name}
      width={member.logo.width ?? undefined}
      height={member.logo.height ?? undefined}
      loading="lazy"
      decoding="async"
    />
  );
}

/** The members' logos (or names), each linked to the organization's own site when it has one. */
export function MemberWall({ members }: { members: Member[] }) {
  return (
    <ul className="member-wall">
      {members.map((m) => (
        <li key={m.name}>
          {m.website ? (
            <a href={m.website} className="member-link">
              <MemberMark member={m} />
            </a>
          ) : (
            <span className="member-link">
              <MemberMark member={m} />
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
