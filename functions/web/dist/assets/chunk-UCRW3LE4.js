import{f as a,o as r}from"./chunk-D3LSNYGI.js";var n=["pm_card_visa","pm_card_chargeDeclined","pm_card_chargeDeclinedInsufficientFunds","pm_card_authenticationRequired"];function p({value:t,onChange:c}){return a`<fieldset class="cards-picker">
    <legend>${r("pay.card")}</legend>
    <p class="hint">${r("pay.testNotice")}</p>
    ${n.map(e=>a`<div class="radio">
      <input type="radio" id=${"card-"+e} name="card" value=${e} checked=${t===e} onChange=${()=>c(e)} />
      <label for=${"card-"+e}>${r("pay.card."+e)}</label>
    </div>`)}
  </fieldset>`}function d(){try{return JSON.parse(document.querySelector('meta[name="kw-config"]').content)}catch{return{}}}var l={payments:"test-cards",...d()};export{p as a,l as b};
