// Believable demo content: people, coffee and kitchen goods, articles and posts about them.
export const FIRST_NAMES = [
  "Ada",
  "Grace",
  "Linus",
  "Margaret",
  "Alan",
  "Barbara",
  "Ken",
  "Radia",
  "Dennis",
  "Frances",
];
export const LAST_NAMES = [
  "Lovelace",
  "Hopper",
  "Torvalds",
  "Hamilton",
  "Turing",
  "Liskov",
  "Thompson",
  "Perlman",
];

export const PRODUCTS = [
  {
    name: "Ethiopia Yirgacheffe",
    category: "coffee",
    priceCents: 1650,
    description: "Floral, lemon, bergamot. 250 g whole bean.",
  },
  {
    name: "Colombia Huila",
    category: "coffee",
    priceCents: 1450,
    description: "Red apple, caramel, cocoa. 250 g whole bean.",
  },
  {
    name: "Kenya Nyeri AA",
    category: "coffee",
    priceCents: 1850,
    description: "Blackcurrant and grapefruit. 250 g whole bean.",
  },
  {
    name: "Hand grinder",
    category: "equipment",
    priceCents: 8900,
    description: "Steel burrs, 40 click settings.",
  },
  { name: "Pour-over dripper", category: "equipment", priceCents: 2400, description: "Ceramic, size 02." },
  { name: "Gooseneck kettle", category: "equipment", priceCents: 5900, description: "0.9 l, precise pour." },
  {
    name: "Paper filters (100)",
    category: "equipment",
    priceCents: 650,
    description: "Unbleached, size 02.",
  },
  {
    name: "Sencha",
    category: "tea",
    priceCents: 1200,
    description: "Japanese green tea, grassy and sweet. 100 g.",
  },
  { name: "Assam breakfast", category: "tea", priceCents: 900, description: "Malty black tea. 100 g." },
  { name: "Stoneware mug", category: "kitchen", priceCents: 1800, description: "350 ml, glazed by hand." },
];

export const ARTICLES = [
  {
    title: "Dialing in a pour-over",
    category: "brewing",
    tags: ["pour-over", "grind", "recipe"],
    content:
      "Start with 15 g of coffee to 250 g of water. Grind medium-fine, bloom for 30 seconds, then pour in slow circles. If it tastes sour, grind finer; if bitter, grind coarser.",
  },
  {
    title: "Why fresh roasts taste better",
    category: "coffee",
    tags: ["roasting", "freshness"],
    content:
      "Roasted coffee releases carbon dioxide for days. Brewing a week after roasting gives the most even extraction; after a month the aromatics fade.",
  },
  {
    title: "Green tea temperatures",
    category: "tea",
    tags: ["tea", "temperature"],
    content:
      "Sencha wants water around 70 °C. Boiling water scalds the leaves and brings out bitterness; cooler water keeps the sweetness.",
  },
  {
    title: "Grinders compared",
    category: "equipment",
    tags: ["grind", "equipment"],
    content:
      "Burr grinders crush beans to an even size; blade grinders chop them unevenly. Even particles extract evenly, which is what you taste.",
  },
];

export const POSTS = [
  "First cup of the Yirgacheffe this morning. Jasmine all the way through.",
  "Reminder: bloom your coffee. 30 seconds makes a difference.",
  "Trying a finer grind on the Kenya today. Brighter, maybe too bright.",
  "Tea people, what temperature do you brew sencha at?",
  "New kettle arrived. Pouring is so much calmer now.",
];
