import{b as p,c as C,l as L}from"./chunk-VN75DZ5U.js";import{D as k,E as g,F as E,b as f,c as q,f as a,l as v,q as e,r as w,x,z as S}from"./chunk-N376T5NL.js";var M=20;function P(c){let t=w(c.price);return e(c.billing_interval==="year"?"course.price.year":"course.price.month",{price:t})}function R(c,t){let s=c&&c.filters||{};return{q:!t.q||s.q===t.q.trim(),currency:!t.currency||s.currency===t.currency,tutor_id:!t.tutor_id||s.tutor_id===t.tutor_id}}function U(c,t,s){if(!s.q){let i=c.title.toLocaleLowerCase();if(!t.q.toLocaleLowerCase().split(/\s+/).filter(Boolean).every(o=>i.includes(o)))return!1}return!(!s.currency&&c.price.currency!==t.currency||!s.tutor_id&&c.tutor_id!==t.tutor_id)}function O({query:c}){let t={q:c.q||"",currency:c.currency||"",tutor_id:c.tutor_id||""},[s,i]=f(t),[o,m]=f({courses:[],next:"",loading:!0,error:null,done:{q:!0,currency:!0,tutor_id:!0},echoed:{}}),b=r=>l=>{let n=l.currentTarget.value;i(u=>({...u,[r]:n}))},d={q:"cat-q",currency:"cat-currency"},y=async r=>{m(n=>({...n,loading:!0,error:null}));let l=new URLSearchParams({limit:String(M)});r&&l.set("cursor",r);for(let[n,u]of Object.entries(t))u&&l.set(n,u);try{let n=await L("/v1/courses?"+l);m(u=>({courses:r?[...u.courses,...n.courses]:n.courses,next:n.next_cursor||"",loading:!1,error:null,done:R(n,t),echoed:n.filters||{}}))}catch(n){m(u=>({...u,loading:!1,error:n}))}};q(()=>{i(t),y("")},[t.q,t.currency,t.tutor_id]);let T=r=>{r.preventDefault(),C(p([],{q:s.q.trim(),currency:s.currency,tutor_id:t.tutor_id}))},$=o.courses.filter(r=>U(r,t,o.done)),N=!o.done.q||!o.done.currency||!o.done.tutor_id,h=t.tutor_id&&(o.courses.find(r=>r.tutor_id===t.tutor_id)||{}).tutor_name,_=o.echoed.words||[];return a`
    <${k} text=${e("catalog.title")} />
    <form class="filters" role="search" aria-label=${e("catalog.filters")} onSubmit=${T}>
      <div class="field">
        <label for=${d.q}>${e("catalog.search")}</label>
        <input id=${d.q} type="search" name="q" value=${s.q} onInput=${b("q")} />
      </div>
      <div class="field">
        <label for=${d.currency}>${e("catalog.currency")}</label>
        <select id=${d.currency} name="currency" value=${s.currency} onChange=${b("currency")}>
          <option value="">${e("catalog.any")}</option>
          ${v.map(r=>a`<option value=${r}>${x(r)} (${r})</option>`)}
        </select>
      </div>
      <button type="submit">${e("catalog.apply")}</button>
    </form>
    ${N&&a`<p class="note">${e("catalog.localFilter")}</p>`}
    ${t.tutor_id&&a`<p class="chip" data-testid="tutor-filter">
      <span>${h?e("catalog.byTutor",{name:h}):e("catalog.oneTutor")}</span>
      <a href=${p([],{q:t.q,currency:t.currency})}>${e("catalog.allTutors")}</a>
    </p>`}
    ${!o.loading&&_.length>0&&a`<p class="note" data-testid="search-words">${e("catalog.words",{words:_.join(", ")})}</p>`}
    <section aria-labelledby="results-h">
      <h2 id="results-h" class="visually-hidden">${e("catalog.results")}</h2>
      ${!o.loading&&a`<${g}>${e("catalog.count",{n:$.length})}</${g}>`}
      ${$.length>0&&a`<ul class="cards">
        ${$.map(r=>a`<li class="card" key=${r.id}>
          <h3><a href=${p(["courses",r.id])}>${r.title}</a></h3>
          <p class="by">${r.tutor_name?e("course.by",{name:r.tutor_name}):e("course.byUnknown")}</p>
          <p class="price">${P(r)}</p>
          <p class="meta">${e("course.items",{n:r.item_count})} · ${e("course.subscribers",{n:r.subscriber_count})}</p>
        </li>`)}
      </ul>`}
      ${!o.loading&&!o.error&&$.length===0&&a`<p>${e("catalog.empty")}</p>`}
      ${o.loading&&a`<${E} />`}
      <${S} error=${o.error} />
      ${o.error&&a`<button type="button" onClick=${()=>y("")}>${e("common.retry")}</button>`}
      ${o.next&&!o.loading&&a`<button type="button" class="secondary" onClick=${()=>y(o.next)}>${e("catalog.loadMore")}</button>`}
    </section>
  `}export{P as a,O as b};
