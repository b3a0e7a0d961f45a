import{c as J}from"./chunk-LROQT4NE.js";import{b as G}from"./chunk-LVVQYCN5.js";import"./chunk-LAYKTB7X.js";import"./chunk-E6AOGKBP.js";import{a as O,b as T,c as I,e as H,f as _,g as C,h as j,i as V,j as z,k as K,m as E,p as U}from"./chunk-CVQZT437.js";import{A as y,B as W,C as k,E as q,a as M,b as i,c as v,e,h as P,i as B,j as A,m as D,n as L,o as F,p as r,v as R,y as g,z as $}from"./chunk-ZMGGJUSE.js";function N({children:a,route:o}){let t=H(),s=u=>o.name===u?"page":void 0,n=u=>()=>j(u,p=>U(p)).catch(()=>{}).then(()=>I("#/"));return e`
    <a class="skip" href="#main" onClick=${u=>{u.preventDefault();let p=document.getElementById("main");p.focus(),p.scrollIntoView()}}>${r("nav.skip")}</a>
    <header class="top">
      <a class="brand" href="#/">${r("app.name")}</a>
      <nav aria-label=${r("nav.label")}>
        <ul>
          <li><a href="#/" aria-current=${s("catalog")}>${r("nav.catalog")}</a></li>
          ${C(t,"learner")&&e`<li><a href="#/me/courses" aria-current=${s("myCourses")}>${r("nav.myCourses")}</a></li>`}
          ${C(t,"learner")&&e`<li><a href="#/subscriptions" aria-current=${s("subscriptions")}>${r("nav.subscriptions")}</a></li>`}
          ${C(t,"learner")&&e`<li><a href="#/payment-methods" aria-current=${s("paymentMethods")}>${r("nav.paymentMethods")}</a></li>`}
          ${C(t,"learner")&&e`<li><a href="#/payments" aria-current=${s("payments")}>${r("nav.payments")}</a></li>`}
          ${C(t,"tutor")&&e`<li><a href="#/tutor" aria-current=${s("tutor")}>${r("nav.teach")}</a></li>`}
          ${!t&&e`<li><a href=${T(["login"])} aria-current=${s("login")}>${r("nav.login")}</a></li>
            <li><a href=${T(["signup"])} aria-current=${s("signup")}>${r("nav.signup")}</a></li>`}
          ${t&&e`<li><button type="button" class="link" onClick=${n(!1)}>${r("nav.logout")}</button></li>
            <li><button type="button" class="link" onClick=${n(!0)}>${r("nav.logoutAll")}</button></li>`}
        </ul>
      </nav>
      <div class="lang">
        <label for="lang-select">${r("nav.language")}</label>
        <select id="lang-select" value=${L().code} onChange=${u=>F(u.currentTarget.value)}>
          ${B.map(u=>e`<option value=${u.code} lang=${u.code}>${u.name}</option>`)}
        </select>
      </div>
      ${t&&e`<p class="who">${r("nav.signedInAs",{name:t.user.display_name})}</p>`}
    </header>
    <main id="main" tabindex="-1">${a}</main>
  `}var Q=a=>typeof a=="string"&&/^#\/[^/]/.test(a)&&!a.startsWith("#//")?a:"#/";async function X(a,o){let t=await E("/v1/sessions",{email:a,password:o});return _(t),t}function Y({query:a}){let[o,t]=P("login",{email:"",password:""}),[s,n]=i(null),[u,p]=i(!1),d=l=>f=>{let x=f.currentTarget.value;t(m=>({...m,[l]:x}))},b=async l=>{l.preventDefault(),p(!0),n(null);try{await X(o.email,o.password),t({email:"",password:""}),I(Q(a.next))}catch(f){n(f)}finally{p(!1)}},c=s&&s.code==="unauthenticated";return e`
    <${k} text=${r("auth.login.title")} />
    ${a.next&&e`<p class="note">${r("auth.needLogin")}</p>`}
    <form class="form narrow" onSubmit=${b} novalidate>
      <${$} id="login-email" label=${r("auth.email")} error=${y(s,"email")}>${l=>e`<input ...${l} type="email" autocomplete="username" value=${o.email} onInput=${d("email")} />`}</${$}>
      <${$} id="login-password" label=${r("auth.password")} error=${y(s,"password")}>${l=>e`<input ...${l} type="password" autocomplete="current-password" value=${o.password} onInput=${d("password")} />`}</${$}>
      ${c?e`<${g} message=${r("auth.badLogin")} />`:e`<${g} error=${s&&!Object.keys(s.fields).length?s:null} />`}
      <button type="submit" disabled=${u}>${r("auth.login.submit")}</button>
      <p class="hint">${r("auth.memoryNote")}</p>
      <p><a href=${T(["signup"],{next:a.next})}>${r("auth.noAccount")}</a></p>
      <p><a href="#/forgot-password">${r("auth.forgot.link")}</a></p>
    </form>`}function Z({query:a}){let o=L(),[t,s]=P("signup",{email:"",password:"",display_name:"",learner:!0,tutor:!1,country:o.country}),[n,u]=i(null),[p,d]=i(!1),[b]=i(K),c=m=>h=>{let S=h.currentTarget.type==="checkbox"?h.currentTarget.checked:h.currentTarget.value;s(oe=>({...oe,[m]:S}))},l=async m=>{m.preventDefault(),d(!0),u(null);let h=[t.learner&&"learner",t.tutor&&"tutor"].filter(Boolean);try{await E("/v1/users",{email:t.email,password:t.password,display_name:t.display_name,roles:h,country:t.country},{idempotencyKey:b}),await X(t.email,t.password),s({...t,password:""}),I(Q(a.next||(t.tutor?"#/tutor":"#/")))}catch(S){u(S)}finally{d(!1)}},f=["email","password","display_name","roles","country"],x=y(n,"roles");return e`
    <${k} text=${r("auth.signup.title")} />
    <form class="form narrow" onSubmit=${l} novalidate>
      <${$} id="su-name" label=${r("auth.displayName")} required error=${y(n,"display_name")}>${m=>e`<input ...${m} autocomplete="name" value=${t.display_name} onInput=${c("display_name")} />`}</${$}>
      <${$} id="su-email" label=${r("auth.email")} required error=${y(n,"email")}>${m=>e`<input ...${m} type="email" autocomplete="email" value=${t.email} onInput=${c("email")} />`}</${$}>
      <${$} id="su-password" label=${r("auth.password")} required hint=${r("auth.passwordHint")} error=${y(n,"password")}>${m=>e`<input ...${m} type="password" autocomplete="new-password" value=${t.password} onInput=${c("password")} />`}</${$}>
      <fieldset class=${x?"invalid":""} aria-describedby=${x?"su-roles-error":void 0}>
        <legend>${r("auth.roles")}</legend>
        <div class="check"><input type="checkbox" id="su-learner" checked=${t.learner} onChange=${c("learner")} /><label for="su-learner">${r("auth.role.learner")}</label></div>
        <div class="check"><input type="checkbox" id="su-tutor" checked=${t.tutor} onChange=${c("tutor")} /><label for="su-tutor">${r("auth.role.tutor")}</label></div>
        ${x&&e`<p class="field-error" id="su-roles-error">${r("error.field")}: <span lang="en">${x}</span></p>`}
      </fieldset>
      <${$} id="su-country" label=${r("auth.country")} error=${y(n,"country")}>${m=>e`<select ...${m} value=${t.country} onChange=${c("country")}>${A.map(h=>e`<option value=${h}>${R(h)}</option>`)}</select>`}</${$}>
      <${g} error=${n} />
      ${W(n,f).map(([m,h])=>e`<p class="field-error">${m}: <span lang="en">${h}</span></p>`)}
      <button type="submit" disabled=${p}>${r("auth.signup.submit")}</button>
      <p class="hint">${r("auth.memoryNote")}</p>
      <p><a href=${T(["login"],{next:a.next})}>${r("auth.haveAccount")}</a></p>
    </form>`}function ee(a,o){let[t]=i(()=>a.token||"");return v(()=>{a.token&&I("#/"+o,{replace:!0})},[]),t}function te({query:a}){let o=ee(a,"verify-email"),[t,s]=i(o?"busy":"failed");return v(()=>{o&&E("/v1/email-verifications",{token:o}).then(()=>s("done"),()=>s("failed"))},[]),e`
    <${k} text=${r("auth.verify.title")} />
    ${t==="busy"&&e`<p role="status">${r("auth.verify.busy")}</p>`}
    ${t==="done"&&e`<p role="status" class="note">${r("auth.verify.done")}</p><p><a href="#/">${r("nav.catalog")}</a></p>`}
    ${t==="failed"&&e`<${g} message=${r("auth.verify.failed")} /><p><a href="#/login">${r("auth.login.title")}</a></p>`}`}function re(){let[a,o]=i(""),[t,s]=i(null),[n,u]=i(!1),[p,d]=i(!1),b=async c=>{c.preventDefault(),d(!0),s(null);try{await E("/v1/password-resets",{email:a}),u(!0)}catch(l){s(l)}finally{d(!1)}};return e`
    <${k} text=${r("auth.forgot.title")} />
    ${n?e`<p role="status" class="note">${r("auth.forgot.sent")}</p>`:e`<form class="form narrow" onSubmit=${b} novalidate>
          <${$} id="forgot-email" label=${r("auth.email")} error=${y(t,"email")}>${c=>e`<input ...${c} type="email" autocomplete="username" value=${a} onInput=${l=>o(l.currentTarget.value)} />`}</${$}>
          <${g} error=${t&&!Object.keys(t.fields).length?t:null} />
          <button type="submit" disabled=${p}>${r("auth.forgot.submit")}</button>
        </form>`}`}function ae({query:a}){let o=ee(a,"reset-password"),[t,s]=i(""),[n,u]=i(null),[p,d]=i(!1),b=async l=>{l.preventDefault(),d(!0),u(null);try{let f=await E("/v1/password-resets/confirm",{token:o,new_password:t});_(f),s(""),I("#/")}catch(f){u(f)}finally{d(!1)}},c=n&&y(n,"token");return e`
    <${k} text=${r("auth.reset.title")} />
    <form class="form narrow" onSubmit=${b} novalidate>
      <${$} id="reset-password" label=${r("auth.reset.new")} hint=${r("auth.passwordHint")} error=${y(n,"new_password")}>${l=>e`<input ...${l} type="password" autocomplete="new-password" value=${t} onInput=${f=>s(f.currentTarget.value)} />`}</${$}>
      ${c?e`<${g} message=${r("auth.reset.badLink")} /><p><a href="#/forgot-password">${r("auth.forgot.link")}</a></p>`:e`<${g} error=${n&&!Object.keys(n.fields).length?n:null} />`}
      <button type="submit" disabled=${p||!o}>${r("auth.reset.submit")}</button>
    </form>`}function w(a,o){let t=null;return function(n){let[,u]=i(!!t),[p,d]=i(null);if(v(()=>{t||a().then(c=>(t=c,u(!0)),d)},[]),p)return e`<${g} error=${{code:"network",message:""}} />`;if(!t)return e`<${q} />`;let b=t[o];return e`<${b} ...${n} />`}}var se=w(()=>import("./chunk-M7LOEDWX.js"),"Learn"),ne=w(()=>import("./chunk-NYSEKJPK.js"),"MyCourses"),ue=w(()=>import("./chunk-IY6CRRMB.js"),"PaymentMethods"),ie=w(()=>import("./chunk-GMS5O3TH.js"),"Payments"),le=w(()=>import("./chunk-LZQGS22Q.js"),"Subscriptions"),$e=w(()=>import("./chunk-VLFJ33XG.js"),"TutorHome"),ce=w(()=>import("./chunk-VLFJ33XG.js"),"TutorNew"),pe=w(()=>import("./chunk-VLFJ33XG.js"),"TutorCourse"),me=w(()=>import("./chunk-VLFJ33XG.js"),"TutorItem");function de({route:a}){let[o,t]=a.params;switch(a.name){case"catalog":return e`<${G} query=${a.query} />`;case"course":return e`<${J} id=${o} key=${o} />`;case"learn":return e`<${se} courseId=${o} itemId=${t} kind=${a.query.kind} key=${o+t} />`;case"login":return e`<${Y} query=${a.query} />`;case"signup":return e`<${Z} query=${a.query} />`;case"verifyEmail":return e`<${te} query=${a.query} />`;case"forgotPassword":return e`<${re} />`;case"resetPassword":return e`<${ae} query=${a.query} />`;case"myCourses":return e`<${ne} />`;case"paymentMethods":return e`<${ue} />`;case"payments":return e`<${ie} />`;case"subscriptions":return e`<${le} />`;case"tutor":return e`<${$e} />`;case"tutorNew":return e`<${ce} />`;case"tutorCourse":return e`<${pe} id=${o} key=${o} />`;case"tutorItem":return e`<${me} courseId=${o} itemId=${t} key=${o+t} />`;default:return e`<${k} text=${r("error.not_found")} /><p><a href="#/">${r("nav.catalog")}</a></p>`}}function fe(){let a=D(),o=O(),[t,s]=i(!V);return v(()=>{t||z.finally(()=>s(!0))},[]),v(()=>{document.documentElement.lang=a},[a]),v(()=>{let n=setTimeout(()=>window.__kwNavigated=!0,0);return()=>clearTimeout(n)},[o]),e`<${N} route=${o}>${t?e`<${de} route=${o} key=${a} />`:e`<${q} />`}</${N}>`}M(e`<${fe} />`,document.getElementById("app"));
