// Runs in the browser before the app's own code. The Content-Security-Policy allows no eval, and
// zod would otherwise probe for it (a reported CSP violation) and compile its parsers with it.
import { z } from "zod";

z.config({ jitless: true });
