import{D as w,H as E,I as f,J as _,L as k,b as d,c as h,e as c,h as v,i as q,n as r,o as C,t as x,u as S,w as g,x as L}from"./chunk-TAW53CQ5.js";var R=20;function I(a){let t=C(a.price);return r(a.billing_interval==="year"?"course.price.year":"course.price.month",{price:t})}function M(a,t){let o=a&&a.filters;return{q:!t.q||o&&o.q===t.q,currency:!t.currency||o&&o.currency===t.currency,country:!t.country||o&&o.country===t.country}}function P(a,t,o){return!(!o.q&&!a.title.toLocaleLowerCase().includes(t.q.toLocaleLowerCase())||!o.currency&&a.price.currency!==t.currency)}function z({query:a}){let t={q:a.q||"",currency:a.currency||"",country:a.country||""},[o,b]=d(t),[n,$]=d({courses:[],next:"",loading:!0,error:null,done:{q:!0,currency:!0,country:!0}}),p=e=>i=>{let u=i.currentTarget.value;b(l=>({...l,[e]:u}))},s={q:"cat-q",currency:"cat-currency",country:"cat-country"},m=async e=>{$(u=>({...u,loading:!0,error:null}));let i=new URLSearchParams({limit:String(R)});e&&i.set("cursor",e);for(let[u,l]of Object.entries(t))l&&i.set(u,l);try{let u=await k("/v1/courses?"+i);$(l=>({courses:e?[...l.courses,...u.courses]:u.courses,next:u.next_cursor||"",loading:!1,error:null,done:M(u,t)}))}catch(u){$(l=>({...l,loading:!1,error:u}))}};h(()=>{b(t),m("")},[t.q,t.currency,t.country]);let N=e=>{e.preventDefault(),L(g([],{q:o.q.trim(),currency:o.currency,country:o.country}))},y=n.courses.filter(e=>P(e,t,n.done)),U=!n.done.q||!n.done.currency;return c`
    <${E} text=${r("catalog.title")} />
    <form class="filters" role="search" aria-label=${r("catalog.filters")} onSubmit=${N}>
      <div class="field">
        <label for=${s.q}>${r("catalog.search")}</label>
        <input id=${s.q} type="search" name="q" value=${o.q} onInput=${p("q")} />
      </div>
      <div class="field">
        <label for=${s.currency}>${r("catalog.currency")}</label>
        <select id=${s.currency} name="currency" value=${o.currency} onChange=${p("currency")}>
          <option value="">${r("catalog.any")}</option>
          ${q.map(e=>c`<option value=${e}>${S(e)} (${e})</option>`)}
        </select>
      </div>
      <div class="field">
        <label for=${s.country}>${r("catalog.country")}</label>
        <select id=${s.country} name="country" value=${o.country} onChange=${p("country")}>
          <option value="">${r("catalog.any")}</option>
          ${v.map(e=>c`<option value=${e}>${x(e)}</option>`)}
        </select>
      </div>
      <button type="submit">${r("catalog.apply")}</button>
    </form>
    ${U&&c`<p class="note">${r("catalog.localFilter")}</p>`}
    ${!n.done.country&&c`<p class="note">${r("catalog.countryUnsupported")}</p>`}
    <section aria-labelledby="results-h">
      <h2 id="results-h" class="visually-hidden">${r("catalog.results")}</h2>
      ${!n.loading&&c`<${f}>${r("catalog.count",{n:y.length})}</${f}>`}
      ${y.length>0&&c`<ul class="cards">
        ${y.map(e=>c`<li class="card" key=${e.id}>
          <h3><a href=${g(["courses",e.id])}>${e.title}</a></h3>
          <p class="by">${e.tutor_name?r("course.by",{name:e.tutor_name}):r("course.byUnknown")}</p>
          <p class="price">${I(e)}</p>
          <p class="meta">${r("course.items",{n:e.item_count})} · ${r("course.subscribers",{n:e.subscriber_count})}</p>
        </li>`)}
      </ul>`}
      ${!n.loading&&!n.error&&y.length===0&&c`<p>${r("catalog.empty")}</p>`}
      ${n.loading&&c`<${_} />`}
      <${w} error=${n.error} />
      ${n.error&&c`<button type="button" onClick=${()=>m("")}>${r("common.retry")}</button>`}
      ${n.next&&!n.loading&&c`<button type="button" class="secondary" onClick=${()=>m(n.next)}>${r("catalog.loadMore")}</button>`}
    </section>
  `}export{I as a,z as b};
