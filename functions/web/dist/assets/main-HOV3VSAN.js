import{c as X}from"./chunk-PUVIYWCU.js";import{b as Q}from"./chunk-GVSE62GM.js";import"./chunk-NU5PSPQP.js";import"./chunk-E6AOGKBP.js";import{a as H,b as T,c as I,e as j,f as P,g as C,h as V,i as z,j as K,k as U,l as W,m as E,p as G,q}from"./chunk-VN75DZ5U.js";import{A as c,B as y,C as J,D as k,F as N,a as B,b as l,c as v,f as e,i as _,j as R,k as A,n as D,o as L,p as F,q as r,w as O,z as g}from"./chunk-N376T5NL.js";function M({children:a,route:o}){let t=j(),s=u=>o.name===u?"page":void 0,n=u=>()=>V(u,i=>G(i)).catch(()=>{}).then(()=>I("#/"));return e`
    <a class="skip" href="#main" onClick=${u=>{u.preventDefault();let i=document.getElementById("main");i.focus(),i.scrollIntoView()}}>${r("nav.skip")}</a>
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
          ${R.map(u=>e`<option value=${u.code} lang=${u.code}>${u.name}</option>`)}
        </select>
      </div>
      ${t&&e`<p class="who">${r("nav.signedInAs",{name:t.user.display_name})}</p>`}
    </header>
    <main id="main" tabindex="-1">${a}</main>
  `}var Y=a=>typeof a=="string"&&/^#\/[^/]/.test(a)&&!a.startsWith("#//")?a:"#/";async function Z(a,o){let t=await E("/v1/sessions",{email:a,password:o});return P(t),t}function ee({query:a}){let[o,t]=_("login",{email:"",password:""}),[s,n]=l(null),[u,i]=l(!1),p=$=>f=>{let x=f.currentTarget.value;t(d=>({...d,[$]:x}))},b=async $=>{$.preventDefault(),i(!0),n(null);try{await Z(o.email,o.password),t({email:"",password:""}),I(Y(a.next))}catch(f){n(f)}finally{i(!1)}},m=s&&s.code==="unauthenticated";return e`
    <${k} text=${r("auth.login.title")} />
    ${a.next&&e`<p class="note">${r("auth.needLogin")}</p>`}
    <form class="form narrow" onSubmit=${b} novalidate>
      <${c} id="login-email" label=${r("auth.email")} error=${y(s,"email")}>${$=>e`<input ...${$} type="email" autocomplete="username" value=${o.email} onInput=${p("email")} />`}</${c}>
      <${c} id="login-password" label=${r("auth.password")} error=${y(s,"password")}>${$=>e`<input ...${$} type="password" autocomplete="current-password" value=${o.password} onInput=${p("password")} />`}</${c}>
      ${m?e`<${g} message=${r("auth.badLogin")} />`:e`<${g} error=${s&&!Object.keys(s.fields).length?s:null} />`}
      <button type="submit" disabled=${u}>${r("auth.login.submit")}</button>
      <p class="hint">${r("auth.memoryNote")}</p>
      <p><a href=${T(["signup"],{next:a.next})}>${r("auth.noAccount")}</a></p>
      <p><a href="#/forgot-password">${r("auth.forgot.link")}</a></p>
    </form>`}function te({query:a}){let o=L(),[t,s]=_("signup",{email:"",password:"",display_name:"",learner:!0,tutor:!1,country:o.country}),[n,u]=l(null),[i,p]=l(!1),[b]=l(U),m=d=>h=>{let S=h.currentTarget.type==="checkbox"?h.currentTarget.checked:h.currentTarget.value;s(ne=>({...ne,[d]:S}))},$=async d=>{d.preventDefault(),p(!0),u(null);let h=[t.learner&&"learner",t.tutor&&"tutor"].filter(Boolean);try{await E("/v1/users",{email:t.email,password:t.password,display_name:t.display_name,roles:h,country:t.country},{idempotencyKey:b}),await Z(t.email,t.password),s({...t,password:""}),I(Y(a.next||(t.tutor?"#/tutor":"#/")))}catch(S){u(S)}finally{p(!1)}},f=["email","password","display_name","roles","country"],x=y(n,"roles");return e`
    <${k} text=${r("auth.signup.title")} />
    <form class="form narrow" onSubmit=${$} novalidate>
      <${c} id="su-name" label=${r("auth.displayName")} required error=${y(n,"display_name")}>${d=>e`<input ...${d} autocomplete="name" value=${t.display_name} onInput=${m("display_name")} />`}</${c}>
      <${c} id="su-email" label=${r("auth.email")} required error=${y(n,"email")}>${d=>e`<input ...${d} type="email" autocomplete="email" value=${t.email} onInput=${m("email")} />`}</${c}>
      <${c} id="su-password" label=${r("auth.password")} required hint=${r("auth.passwordHint")} error=${y(n,"password")}>${d=>e`<input ...${d} type="password" autocomplete="new-password" value=${t.password} onInput=${m("password")} />`}</${c}>
      <fieldset class=${x?"invalid":""} aria-describedby=${x?"su-roles-error":void 0}>
        <legend>${r("auth.roles")}</legend>
        <div class="check"><input type="checkbox" id="su-learner" checked=${t.learner} onChange=${m("learner")} /><label for="su-learner">${r("auth.role.learner")}</label></div>
        <div class="check"><input type="checkbox" id="su-tutor" checked=${t.tutor} onChange=${m("tutor")} /><label for="su-tutor">${r("auth.role.tutor")}</label></div>
        ${x&&e`<p class="field-error" id="su-roles-error">${r("error.field")}: <span lang="en">${x}</span></p>`}
      </fieldset>
      <${c} id="su-country" label=${r("auth.country")} error=${y(n,"country")}>${d=>e`<select ...${d} value=${t.country} onChange=${m("country")}>${A.map(h=>e`<option value=${h}>${O(h)}</option>`)}</select>`}</${c}>
      <${g} error=${n} />
      ${J(n,f).map(([d,h])=>e`<p class="field-error">${d}: <span lang="en">${h}</span></p>`)}
      <button type="submit" disabled=${i}>${r("auth.signup.submit")}</button>
      <p class="hint">${r("auth.memoryNote")}</p>
      <p><a href=${T(["login"],{next:a.next})}>${r("auth.haveAccount")}</a></p>
    </form>`}function re(a,o){let[t]=l(()=>a.token||"");return v(()=>{a.token&&I("#/"+o,{replace:!0})},[]),t}function ae({query:a}){let o=re(a,"verify-email"),[t,s]=l(o?"busy":"failed");return v(()=>{o&&E("/v1/email-verifications",{token:o}).then(()=>s("done"),()=>s("failed"))},[]),e`
    <${k} text=${r("auth.verify.title")} />
    ${t==="busy"&&e`<p role="status">${r("auth.verify.busy")}</p>`}
    ${t==="done"&&e`<p role="status" class="note">${r("auth.verify.done")}</p><p><a href="#/">${r("nav.catalog")}</a></p>`}
    ${t==="failed"&&e`<${g} message=${r("auth.verify.failed")} /><p><a href="#/login">${r("auth.login.title")}</a></p>`}`}function oe(){let[a,o]=l(""),[t,s]=l(null),[n,u]=l(!1),[i,p]=l(!1),b=async m=>{m.preventDefault(),p(!0),s(null);try{await E("/v1/password-resets",{email:a}),u(!0)}catch($){s($)}finally{p(!1)}};return e`
    <${k} text=${r("auth.forgot.title")} />
    ${n?e`<p role="status" class="note">${r("auth.forgot.sent")}</p>`:e`<form class="form narrow" onSubmit=${b} novalidate>
          <${c} id="forgot-email" label=${r("auth.email")} error=${y(t,"email")}>${m=>e`<input ...${m} type="email" autocomplete="username" value=${a} onInput=${$=>o($.currentTarget.value)} />`}</${c}>
          <${g} error=${t&&!Object.keys(t.fields).length?t:null} />
          <button type="submit" disabled=${i}>${r("auth.forgot.submit")}</button>
        </form>`}`}function se({query:a}){let o=re(a,"reset-password"),[t,s]=l(""),[n,u]=l(null),[i,p]=l(!1),b=async $=>{$.preventDefault(),p(!0),u(null);try{let f=await E("/v1/password-resets/confirm",{token:o,new_password:t});P(f),s(""),I("#/")}catch(f){u(f)}finally{p(!1)}},m=n&&y(n,"token");return e`
    <${k} text=${r("auth.reset.title")} />
    <form class="form narrow" onSubmit=${b} novalidate>
      <${c} id="reset-password" label=${r("auth.reset.new")} hint=${r("auth.passwordHint")} error=${y(n,"new_password")}>${$=>e`<input ...${$} type="password" autocomplete="new-password" value=${t} onInput=${f=>s(f.currentTarget.value)} />`}</${c}>
      ${m?e`<${g} message=${r("auth.reset.badLink")} /><p><a href="#/forgot-password">${r("auth.forgot.link")}</a></p>`:e`<${g} error=${n&&!Object.keys(n.fields).length?n:null} />`}
      <button type="submit" disabled=${i||!o}>${r("auth.reset.submit")}</button>
    </form>`}function w(a,o){let t=null;return function(n){let[,u]=l(!!t),[i,p]=l(null);if(v(()=>{t||a().then(m=>(t=m,u(!0)),p)},[]),i)return e`<${g} error=${{code:"network",message:""}} />`;if(!t)return e`<${N} />`;let b=t[o];return e`<${b} ...${n} />`}}var ue=w(()=>import("./chunk-5KWAWZOK.js"),"Learn");function ie({courseId:a,itemId:o,kind:t}){let[s]=l(()=>{let n=()=>import("./chunk-6ER4QE36.js");t==="video"&&(import("./chunk-YUSS6EBP.js").catch(()=>{}),n().catch(()=>{}));let u=W(`/v1/courses/${q(a)}/items/${q(o)}/content`);return u.then(i=>i&&i.stream&&i.stream.status==="ready"&&i.stream.master_url&&n().then(p=>p.warm(i.stream.master_url))).catch(()=>{}),{content:u}});return e`<${ue} courseId=${a} itemId=${o} early=${s} />`}var le=w(()=>import("./chunk-E4C5LLMO.js"),"MyCourses"),$e=w(()=>import("./chunk-GOKPCI4T.js"),"PaymentMethods"),ce=w(()=>import("./chunk-3YA2L3QD.js"),"Payments"),me=w(()=>import("./chunk-TOXLUOHE.js"),"Subscriptions"),pe=w(()=>import("./chunk-GDI3GSQE.js"),"TutorHome"),de=w(()=>import("./chunk-GDI3GSQE.js"),"TutorNew"),fe=w(()=>import("./chunk-GDI3GSQE.js"),"TutorCourse"),ye=w(()=>import("./chunk-GDI3GSQE.js"),"TutorItem");function he({route:a}){let[o,t]=a.params;switch(a.name){case"catalog":return e`<${Q} query=${a.query} />`;case"course":return e`<${X} id=${o} key=${o} />`;case"learn":return e`<${ie} courseId=${o} itemId=${t} kind=${a.query.kind} key=${o+t} />`;case"login":return e`<${ee} query=${a.query} />`;case"signup":return e`<${te} query=${a.query} />`;case"verifyEmail":return e`<${ae} query=${a.query} />`;case"forgotPassword":return e`<${oe} />`;case"resetPassword":return e`<${se} query=${a.query} />`;case"myCourses":return e`<${le} />`;case"paymentMethods":return e`<${$e} />`;case"payments":return e`<${ce} />`;case"subscriptions":return e`<${me} />`;case"tutor":return e`<${pe} />`;case"tutorNew":return e`<${de} />`;case"tutorCourse":return e`<${fe} id=${o} key=${o} />`;case"tutorItem":return e`<${ye} courseId=${o} itemId=${t} key=${o+t} />`;default:return e`<${k} text=${r("error.not_found")} /><p><a href="#/">${r("nav.catalog")}</a></p>`}}function ge(){let a=D(),o=H(),[t,s]=l(!z);return v(()=>{t||K.finally(()=>s(!0))},[]),v(()=>{document.documentElement.lang=a},[a]),v(()=>{let n=setTimeout(()=>window.__kwNavigated=!0,0);return()=>clearTimeout(n)},[o]),e`<${M} route=${o}>${t?e`<${he} route=${o} key=${a} />`:e`<${N} />`}</${M}>`}B(e`<${ge} />`,document.getElementById("app"));
