import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { PublicLayout } from "../components/layout";
import { publicMeta } from "../lib/meta";
import type { RouteHandle } from "../lib/route-handle";

export const handle: RouteHandle = { publicCache: true };

export default function Positions() {
  return (
    <PublicLayout>
      <h1>Adopted positions</h1>
      <p>
        The coalition speaks only where its members agree. A position is a policy proposal that the member
        organizations drafted together and adopted by consensus, each organization casting one ballot.
      </p>
      <p className="empty">
        No position has been published yet. Positions will appear here, with the organizations that endorse them, once
        the members adopt them.
      </p>
      <p>
        Meanwhile, read about <Link to="/">our vision and the four CARE pillars</Link>.
      </p>
    </PublicLayout>
  );
}

export const meta: MetaFunction = ({ matches }) =>
  publicMeta(matches, {
    title: "Adopted positions",
    description: "The federal health-policy positions the coalition's member organizations adopted by consensus.",
    path: "/positions",
  });
