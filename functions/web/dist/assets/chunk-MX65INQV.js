import{b as x,d as C,e as S,l as m,q as L}from"./chunk-VN75DZ5U.js";import{D as _,F as g,b as y,c as v,f as n,q as t,r as k,u as l,z as f}from"./chunk-N376T5NL.js";var u=(r,a)=>k({amount:r,currency:a}),R=r=>r&&r.name?t("history.taxOf",{name:r.name,rate:r.rate_percent}):t("history.noTax"),M=r=>r&&r.last4?t("pm.card",{brand:(r.brand||r.type||"").toUpperCase(),last4:r.last4}):r&&r.type||"";function N(){let r=S(),[a,c]=y({rows:null,next:"",error:null,loading:!1}),[s,p]=y({}),o=async e=>{c(i=>({...i,loading:!0,error:null}));try{let i=await m("/v1/billing/payments?limit=20"+(e?"&cursor="+encodeURIComponent(e):""));c(d=>({rows:[...e?d.rows||[]:[],...i.payments],next:i.next_cursor||"",error:null,loading:!1}))}catch(i){c(d=>({...d,error:i,loading:!1}))}};if(v(()=>{r&&o("")},[r&&r.user.id]),!r)return n`<${_} text=${t("history.title")} /><p><a class="button" href=${x(["login"],{next:C()})}>${t("nav.login")}</a></p>`;let h=async e=>{let i=e.payment_id;if(s[i])return p(d=>({...d,[i]:null}));p(d=>({...d,[i]:{loading:!0}}));try{let d=await m(`/v1/billing/payments/${L(i)}/receipt`);p(b=>({...b,[i]:{receipt:d}}))}catch(d){p(b=>({...b,[i]:{error:d}}))}},{rows:$,error:w}=a;return n`
    <${_} text=${t("history.title")} />
    <${f} error=${w} />
    ${!$&&!w&&n`<${g} />`}
    ${$&&$.length===0&&n`<p>${t("history.none")}</p>`}
    ${$&&$.length>0&&n`<ul class="history" data-testid="payments">${$.map(e=>n`<li key=${e.receipt_number} class="card">
      <p><strong>${e.kind==="refund"?t("history.refund"):t("history.payment")}</strong> · ${l(e.at)}
        · <a href=${x(["courses",e.course_id])}>${t("history.course")}</a></p>
      <p class="price">${u(e.amount.amount,e.amount.currency)}</p>
      <p class="meta">${t("history.taxIncluded",{tax:R(e.tax),amount:u(e.tax.amount,e.amount.currency)})}
        ${e.refunded_amount>0&&n` · ${t("history.refunded",{amount:u(e.refunded_amount,e.amount.currency)})}`}
        ${M(e.method)&&n` · ${M(e.method)}`}</p>
      ${e.period_start&&n`<p class="meta">${t("history.period",{from:l(e.period_start),to:l(e.period_end)})}</p>`}
      ${e.kind==="payment"&&n`<button type="button" class="secondary" aria-expanded=${s[e.payment_id]&&s[e.payment_id].receipt?"true":"false"}
        onClick=${()=>h(e)}>${t("history.receipt")}</button>`}
      ${s[e.payment_id]&&n`<${D} state=${s[e.payment_id]} />`}
    </li>`)}</ul>`}
    ${a.next&&!a.loading&&n`<button type="button" class="secondary" onClick=${()=>o(a.next)}>${t("catalog.loadMore")}</button>`}`}function D({state:r}){if(r.loading)return n`<${g} />`;if(r.error)return n`<${f} error=${r.error} />`;let a=r.receipt;return n`<table class="receipt" data-testid="receipt">
    <caption>${t("history.receiptNo",{number:a.number})}</caption>
    <thead><tr><th scope="col">${t("history.line")}</th><th scope="col">${t("history.net")}</th><th scope="col">${R(a.tax)}</th><th scope="col">${t("history.total")}</th></tr></thead>
    <tbody>${a.lines.map(c=>n`<tr key=${c.receipt_number}>
      <th scope="row">${c.kind==="refund"?t("history.refund"):t("history.payment")} · ${l(c.at)}</th>
      <td>${u(c.net,a.currency)}</td><td>${u(c.tax,a.currency)}</td><td>${u(c.total,a.currency)}</td></tr>`)}</tbody>
    <tfoot><tr><th scope="row">${t("history.total")}</th><td>${u(a.net,a.currency)}</td><td>${u(a.tax_amount,a.currency)}</td><td>${u(a.total,a.currency)}</td></tr></tfoot>
  </table>`}function j({titles:r}){let[a,c]=y({report:null,error:null});v(()=>{m("/v1/tutors/me/revenue").then(o=>c({report:o,error:null}),o=>c({report:null,error:o}))},[]);let{report:s,error:p}=a;return n`<section aria-labelledby="revenue-h">
    <h2 id="revenue-h">${t("revenue.title")}</h2>
    <${f} error=${p} />
    ${!s&&!p&&n`<${g} />`}
    ${s&&s.lines.length===0&&n`<p>${t("revenue.none")}</p>`}
    ${s&&s.lines.length>0&&n`<table class="revenue" data-testid="revenue">
      <caption>${t("revenue.caption",{from:s.from,to:s.to})}</caption>
      <thead><tr><th scope="col">${t("revenue.month")}</th><th scope="col">${t("revenue.course")}</th><th scope="col">${t("revenue.gross")}</th>
        <th scope="col">${t("revenue.tax")}</th><th scope="col">${t("revenue.refunds")}</th><th scope="col">${t("revenue.net")}</th><th scope="col">${t("revenue.payments")}</th></tr></thead>
      <tbody>${[...s.lines].sort((o,h)=>o.month<h.month?1:o.month>h.month?-1:0).map(o=>n`<tr key=${o.month+o.course_id+o.currency}>
        <th scope="row">${o.month}</th><td>${r[o.course_id]||o.course_id}</td>
        <td>${u(o.gross,o.currency)}</td><td>${u(o.tax,o.currency)}</td><td>${u(o.refunds,o.currency)}</td>
        <td>${u(o.net,o.currency)}</td><td>${o.payments}</td></tr>`)}</tbody>
    </table>`}
  </section>`}export{N as a,j as b};
