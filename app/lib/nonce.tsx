import { createContext, useContext } from "react";

/** The per-request script nonce, handed from entry.server to the root without loader data. */
export const NonceContext = createContext<string | undefined>(undefined);
export const useNonce = () => useContext(NonceContext);
