import{D as $,E as w,I as E,J as b,K as _,M as k,b as g,c as h,e as c,h as v,i as q,n as r,o as x,t as C,u as S,w as f,x as L}from"./chunk-R57K5MG7.js";var U=20;function I(a){let t=x(a.price);return r(a.billing_interval==="year"?"course.price.year":"course.price.month",{price:t})}function R(a,t){let o=a&&a.filters;return{q:!t.q||o&&o.q===t.q,currency:!t.currency||o&&o.currency===t.currency,country:!t.country||o&&o.country===t.country}}function M(a,t,o){return!(!o.q&&!a.title.toLocaleLowerCase().includes(t.q.toLocaleLowerCase())||!o.currency&&a.price.currency!==t.currency)}function z({query:a}){let t={q:a.q||"",currency:a.currency||"",country:a.country||""},[o,i]=g(t),[n,p]=g({courses:[],next:"",loading:!0,error:null,done:{q:!0,currency:!0,country:!0}}),l={q:$("q"),currency:$("cur"),country:$("cty")},m=async e=>{p(u=>({...u,loading:!0,error:null}));let d=new URLSearchParams({limit:String(U)});e&&d.set("cursor",e);for(let[u,s]of Object.entries(t))s&&d.set(u,s);try{let u=await k("/v1/courses?"+d);p(s=>({courses:e?[...s.courses,...u.courses]:u.courses,next:u.next_cursor||"",loading:!1,error:null,done:R(u,t)}))}catch(u){p(s=>({...s,loading:!1,error:u}))}};h(()=>{i(t),m("")},[t.q,t.currency,t.country]);let N=e=>{e.preventDefault(),L(f([],{q:o.q.trim(),currency:o.currency,country:o.country}))},y=n.courses.filter(e=>M(e,t,n.done)),T=!n.done.q||!n.done.currency;return c`
    <${E} text=${r("catalog.title")} />
    <form class="filters" role="search" aria-label=${r("catalog.filters")} onSubmit=${N}>
      <div class="field">
        <label for=${l.q}>${r("catalog.search")}</label>
        <input id=${l.q} type="search" name="q" value=${o.q} onInput=${e=>i({...o,q:e.currentTarget.value})} />
      </div>
      <div class="field">
        <label for=${l.currency}>${r("catalog.currency")}</label>
        <select id=${l.currency} name="currency" value=${o.currency} onChange=${e=>i({...o,currency:e.currentTarget.value})}>
          <option value="">${r("catalog.any")}</option>
          ${q.map(e=>c`<option value=${e}>${S(e)} (${e})</option>`)}
        </select>
      </div>
      <div class="field">
        <label for=${l.country}>${r("catalog.country")}</label>
        <select id=${l.country} name="country" value=${o.country} onChange=${e=>i({...o,country:e.currentTarget.value})}>
          <option value="">${r("catalog.any")}</option>
          ${v.map(e=>c`<option value=${e}>${C(e)}</option>`)}
        </select>
      </div>
      <button type="submit">${r("catalog.apply")}</button>
    </form>
    ${T&&c`<p class="note">${r("catalog.localFilter")}</p>`}
    ${!n.done.country&&c`<p class="note">${r("catalog.countryUnsupported")}</p>`}
    <section aria-labelledby="results-h">
      <h2 id="results-h" class="visually-hidden">${r("catalog.results")}</h2>
      ${!n.loading&&c`<${b}>${r("catalog.count",{n:y.length})}</${b}>`}
      ${y.length>0&&c`<ul class="cards">
        ${y.map(e=>c`<li class="card" key=${e.id}>
          <h3><a href=${f(["courses",e.id])}>${e.title}</a></h3>
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
