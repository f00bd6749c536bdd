// Who the stored key belongs to (GET /v1/me), so views offer only what its role may do.
// The API still checks every call; this only spares users buttons that would answer 403.

import { api, storedKey } from "./api.js";

// Least to most trusted, as the API's domain.models.ROLES: each role may do what the ones
// before it may.
const ROLES = ["viewer", "analyst", "officer", "admin"];

let asked = { key: null, answer: null };

/** {key_id, name, role} of the stored key, asked once per key. */
function me() {
  const key = storedKey();
  if (asked.key !== key || asked.answer === null) {
    const answer = api("/me").catch((exc) => {
      if (asked.answer === answer) asked = { key: null, answer: null }; // ask again next time
      throw exc;
    });
    asked = { key, answer };
  }
  return asked.answer;
}

/** Whether the stored key's role is ``needed`` or a more trusted one. */
export async function allowed(needed) {
  const { role } = await me();
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}
