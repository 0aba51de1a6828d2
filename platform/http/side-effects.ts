// The header a subgraph sets on an answer whose request changed something (blog's article(id) counts a view).
// Such an answer belongs to one request only: the gateway never hands it to another caller that asked for the
// same thing at the same moment, and sends that caller's request on its own.
export const SIDE_EFFECT_HEADER = "tributary-side-effect";
