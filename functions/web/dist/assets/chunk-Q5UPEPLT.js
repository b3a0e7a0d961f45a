async function e(){throw Object.assign(new Error("Stripe.js is not wired yet"),{code:"stripe_unavailable"})}export{e as collectPaymentMethod};
