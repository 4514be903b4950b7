import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { PublicLayout } from "../components/layout";
import { publicMeta } from "../lib/meta";
import type { RouteHandle } from "../lib/route-handle";

export const handle: RouteHandle = { publicCache: true };

export default function InquirySent() {
  return (
    <PublicLayout>
      <h1>Thank you: your inquiry was sent</h1>
      <p className="notice success">A convener will read it and write back to you at the email address you gave.</p>
      <p>
        Meanwhile, <Link to="/members">meet the members</Link> or <Link to="/">read about the coalition</Link>.
      </p>
    </PublicLayout>
  );
}

export const meta: MetaFunction = ({ matches }) => [
  ...publicMeta(matches, {
    title: "Inquiry sent",
    description: "Your membership inquiry was sent to the coalition's conveners.",
    path: "/join/thanks",
  }),
  { name: "robots", content: "noindex" },
];
