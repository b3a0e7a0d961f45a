import{c as V}from"./chunk-ITNLPEKP.js";import{b as U}from"./chunk-42PZRERS.js";import{A as R,B as z,C as S,D as b,E as l,F as f,G as K,H as T,J as M,K as j,M as _,a as q,b as d,c as x,e as t,f as E,g as A,h as B,k as D,l as L,m as F,n as r,t as H,v as O,w as y,x as I,z as P}from"./chunk-TAW53CQ5.js";function N({children:o,route:a}){let e=P(),n=s=>a.name===s?"page":void 0,u=()=>{z(),I("#/")};return t`
    <a class="skip" href="#main" onClick=${s=>{s.preventDefault();let p=document.getElementById("main");p.focus(),p.scrollIntoView()}}>${r("nav.skip")}</a>
    <header class="top">
      <a class="brand" href="#/">${r("app.name")}</a>
      <nav aria-label=${r("nav.label")}>
        <ul>
          <li><a href="#/" aria-current=${n("catalog")}>${r("nav.catalog")}</a></li>
          ${S(e,"learner")&&t`<li><a href="#/subscriptions" aria-current=${n("subscriptions")}>${r("nav.subscriptions")}</a></li>`}
          ${S(e,"tutor")&&t`<li><a href="#/tutor" aria-current=${n("tutor")}>${r("nav.teach")}</a></li>`}
          ${!e&&t`<li><a href=${y(["login"])} aria-current=${n("login")}>${r("nav.login")}</a></li>
            <li><a href=${y(["signup"])} aria-current=${n("signup")}>${r("nav.signup")}</a></li>`}
          ${e&&t`<li><button type="button" class="link" onClick=${u}>${r("nav.logout")}</button></li>`}
        </ul>
      </nav>
      <div class="lang">
        <label for="lang-select">${r("nav.language")}</label>
        <select id="lang-select" value=${L().code} onChange=${s=>F(s.currentTarget.value)}>
          ${A.map(s=>t`<option value=${s.code} lang=${s.code}>${s.name}</option>`)}
        </select>
      </div>
      ${e&&t`<p class="who">${r("nav.signedInAs",{name:e.user.display_name})}</p>`}
    </header>
    <main id="main" tabindex="-1">${o}</main>
  `}var W=o=>typeof o=="string"&&/^#\/[^/]/.test(o)&&!o.startsWith("#//")?o:"#/";async function G(o,a){let e=await _("/v1/sessions",{email:o,password:a});return R({token:e.access_token,expiresAt:e.expires_at,user:e.user}),e}function J({query:o}){let[a,e]=E("login",{email:"",password:""}),[n,u]=d(null),[s,p]=d(!1),g=m=>k=>{let h=k.currentTarget.value;e(i=>({...i,[m]:h}))},w=async m=>{m.preventDefault(),p(!0),u(null);try{await G(a.email,a.password),e({email:"",password:""}),I(W(o.next))}catch(k){u(k)}finally{p(!1)}},c=n&&n.code==="unauthenticated";return t`
    <${T} text=${r("auth.login.title")} />
    ${o.next&&t`<p class="note">${r("auth.needLogin")}</p>`}
    <form class="form narrow" onSubmit=${w} novalidate>
      <${l} id="login-email" label=${r("auth.email")} error=${f(n,"email")}>${m=>t`<input ...${m} type="email" autocomplete="username" value=${a.email} onInput=${g("email")} />`}</${l}>
      <${l} id="login-password" label=${r("auth.password")} error=${f(n,"password")}>${m=>t`<input ...${m} type="password" autocomplete="current-password" value=${a.password} onInput=${g("password")} />`}</${l}>
      ${c?t`<${b} message=${r("auth.badLogin")} />`:t`<${b} error=${n&&!Object.keys(n.fields).length?n:null} />`}
      <button type="submit" disabled=${s}>${r("auth.login.submit")}</button>
      <p class="hint">${r("auth.memoryNote")}</p>
      <p><a href=${y(["signup"],{next:o.next})}>${r("auth.noAccount")}</a></p>
    </form>`}function Q({query:o}){let a=L(),[e,n]=E("signup",{email:"",password:"",display_name:"",learner:!0,tutor:!1,country:a.country}),[u,s]=d(null),[p,g]=d(!1),[w]=d(j),c=i=>$=>{let C=$.currentTarget.type==="checkbox"?$.currentTarget.checked:$.currentTarget.value;n(X=>({...X,[i]:C}))},m=async i=>{i.preventDefault(),g(!0),s(null);let $=[e.learner&&"learner",e.tutor&&"tutor"].filter(Boolean);try{await _("/v1/users",{email:e.email,password:e.password,display_name:e.display_name,roles:$,country:e.country},{idempotencyKey:w}),await G(e.email,e.password),n({...e,password:""}),I(W(o.next||(e.tutor?"#/tutor":"#/")))}catch(C){s(C)}finally{g(!1)}},k=["email","password","display_name","roles","country"],h=f(u,"roles");return t`
    <${T} text=${r("auth.signup.title")} />
    <form class="form narrow" onSubmit=${m} novalidate>
      <${l} id="su-name" label=${r("auth.displayName")} required error=${f(u,"display_name")}>${i=>t`<input ...${i} autocomplete="name" value=${e.display_name} onInput=${c("display_name")} />`}</${l}>
      <${l} id="su-email" label=${r("auth.email")} required error=${f(u,"email")}>${i=>t`<input ...${i} type="email" autocomplete="email" value=${e.email} onInput=${c("email")} />`}</${l}>
      <${l} id="su-password" label=${r("auth.password")} required hint=${r("auth.passwordHint")} error=${f(u,"password")}>${i=>t`<input ...${i} type="password" autocomplete="new-password" value=${e.password} onInput=${c("password")} />`}</${l}>
      <fieldset class=${h?"invalid":""} aria-describedby=${h?"su-roles-error":void 0}>
        <legend>${r("auth.roles")}</legend>
        <div class="check"><input type="checkbox" id="su-learner" checked=${e.learner} onChange=${c("learner")} /><label for="su-learner">${r("auth.role.learner")}</label></div>
        <div class="check"><input type="checkbox" id="su-tutor" checked=${e.tutor} onChange=${c("tutor")} /><label for="su-tutor">${r("auth.role.tutor")}</label></div>
        ${h&&t`<p class="field-error" id="su-roles-error">${r("error.field")}: <span lang="en">${h}</span></p>`}
      </fieldset>
      <${l} id="su-country" label=${r("auth.country")} error=${f(u,"country")}>${i=>t`<select ...${i} value=${e.country} onChange=${c("country")}>${B.map($=>t`<option value=${$}>${H($)}</option>`)}</select>`}</${l}>
      <${b} error=${u} />
      ${K(u,k).map(([i,$])=>t`<p class="field-error">${i}: <span lang="en">${$}</span></p>`)}
      <button type="submit" disabled=${p}>${r("auth.signup.submit")}</button>
      <p class="hint">${r("auth.memoryNote")}</p>
      <p><a href=${y(["login"],{next:o.next})}>${r("auth.haveAccount")}</a></p>
    </form>`}function v(o,a){let e=null;return function(u){let[,s]=d(!!e),[p,g]=d(null);if(x(()=>{e||o().then(c=>(e=c,s(!0)),g)},[]),p)return t`<${b} error=${{code:"network",message:""}} />`;if(!e)return t`<${M} />`;let w=e[a];return t`<${w} ...${u} />`}}var Y=v(()=>import("./chunk-5PH4DANF.js"),"Learn"),Z=v(()=>import("./chunk-6QYOMWCK.js"),"Subscriptions"),ee=v(()=>import("./chunk-URWYZDB3.js"),"TutorHome"),te=v(()=>import("./chunk-URWYZDB3.js"),"TutorNew"),re=v(()=>import("./chunk-URWYZDB3.js"),"TutorCourse"),oe=v(()=>import("./chunk-URWYZDB3.js"),"TutorItem");function ae({route:o}){let[a,e]=o.params;switch(o.name){case"catalog":return t`<${U} query=${o.query} />`;case"course":return t`<${V} id=${a} key=${a} />`;case"learn":return t`<${Y} courseId=${a} itemId=${e} key=${a+e} />`;case"login":return t`<${J} query=${o.query} />`;case"signup":return t`<${Q} query=${o.query} />`;case"subscriptions":return t`<${Z} />`;case"tutor":return t`<${ee} />`;case"tutorNew":return t`<${te} />`;case"tutorCourse":return t`<${re} id=${a} key=${a} />`;case"tutorItem":return t`<${oe} courseId=${a} itemId=${e} key=${a+e} />`;default:return t`<${T} text=${r("error.not_found")} /><p><a href="#/">${r("nav.catalog")}</a></p>`}}function ne(){let o=D(),a=O();return x(()=>{document.documentElement.lang=o},[o]),x(()=>{let e=setTimeout(()=>window.__kwNavigated=!0,0);return()=>clearTimeout(e)},[a]),t`<${N} route=${a}><${ae} route=${a} key=${o} /></${N}>`}q(t`<${ne} />`,document.getElementById("app"));
