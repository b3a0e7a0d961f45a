// Local stack payments: Stripe's test payment methods by name, which the
// local Stripe fake (and Stripe in test mode) accept as they are.
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';

export const TEST_CARDS = ['pm_card_visa', 'pm_card_chargeDeclined', 'pm_card_chargeDeclinedInsufficientFunds', 'pm_card_authenticationRequired'];

// TestCardPicker lets the learner choose a test card; value is its id.
export function TestCardPicker({ value, onChange }) {
  return html`<fieldset class="cards-picker">
    <legend>${t('pay.card')}</legend>
    <p class="hint">${t('pay.testNotice')}</p>
    ${TEST_CARDS.map((id) => html`<div class="radio">
      <input type="radio" id=${'card-' + id} name="card" value=${id} checked=${value === id} onChange=${() => onChange(id)} />
      <label for=${'card-' + id}>${t('pay.card.' + id)}</label>
    </div>`)}
  </fieldset>`;
}
