/**
 * Stripe's test cards and how each behaves. Numbers not listed behave like 4242 (they succeed)
 * when they pass the Luhn check.
 */
export interface Decline {
  code: string;
  declineCode?: string;
  message: string;
}

export interface CardProfile {
  brand: string;
  funding: 'credit' | 'debit' | 'prepaid' | 'unknown';
  country: string;
  /** 3-D Secure at setup (SetupIntent confirmation). */
  authenticationAtSetup: boolean;
  /** 3-D Secure on payments: always, unless the card was set up for off-session use, or never. */
  authenticationOnPayment: 'always' | 'unless_set_up' | 'never';
  /** Every charge is declined with this. */
  chargeDecline?: Decline;
  /** Funds of its charges are available at once (Stripe's 4000 0000 0000 0077). */
  availableImmediately?: boolean;
}

const base: CardProfile = { brand: 'visa', funding: 'credit', country: 'US', authenticationAtSetup: false, authenticationOnPayment: 'never' };

export const DECLINES = {
  generic: { code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.' },
  insufficientFunds: { code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  lostCard: { code: 'card_declined', declineCode: 'lost_card', message: 'Your card was declined.' },
  stolenCard: { code: 'card_declined', declineCode: 'stolen_card', message: 'Your card was declined.' },
  expiredCard: { code: 'expired_card', declineCode: 'expired_card', message: 'Your card has expired.' },
  incorrectCvc: { code: 'incorrect_cvc', declineCode: 'incorrect_cvc', message: "Your card's security code is incorrect." },
  processingError: { code: 'processing_error', declineCode: 'processing_error', message: 'An error occurred while processing your card. Try again in a little bit.' },
} satisfies Record<string, Decline>;

const PROFILES: Record<string, Partial<CardProfile>> = {
  '4242424242424242': {},
  '4000056655665556': { funding: 'debit' },
  '5555555555554444': { brand: 'mastercard' },
  '2223003122003222': { brand: 'mastercard' },
  '5200828282828210': { brand: 'mastercard', funding: 'debit' },
  '378282246310005': { brand: 'amex' },
  '371449635398431': { brand: 'amex' },
  '6011111111111117': { brand: 'discover' },
  '4000002760003184': { authenticationAtSetup: true, authenticationOnPayment: 'always' },
  '4000002500003155': { authenticationAtSetup: true, authenticationOnPayment: 'unless_set_up' },
  '4000000000003220': { authenticationAtSetup: true, authenticationOnPayment: 'always' },
  '4000000000000341': { chargeDecline: DECLINES.generic },
  '4000000000000002': { chargeDecline: DECLINES.generic },
  '4000000000009995': { chargeDecline: DECLINES.insufficientFunds },
  '4000000000009987': { chargeDecline: DECLINES.lostCard },
  '4000000000009979': { chargeDecline: DECLINES.stolenCard },
  '4000000000000069': { chargeDecline: DECLINES.expiredCard },
  '4000000000000127': { chargeDecline: DECLINES.incorrectCvc },
  '4000000000000119': { chargeDecline: DECLINES.processingError },
  '4000000000000077': { availableImmediately: true },
};

/** Stripe's test PaymentMethod tokens (`payment_method: 'pm_card_visa'` makes a fresh card each use). */
export const TEST_TOKENS: Record<string, string> = {
  pm_card_visa: '4242424242424242',
  pm_card_visa_debit: '4000056655665556',
  pm_card_mastercard: '5555555555554444',
  pm_card_mastercard_debit: '5200828282828210',
  pm_card_amex: '378282246310005',
  pm_card_discover: '6011111111111117',
  pm_card_authenticationRequired: '4000002760003184',
  pm_card_authenticationRequiredOnSetup: '4000002500003155',
  pm_card_threeDSecure2Required: '4000000000003220',
  pm_card_chargeCustomerFail: '4000000000000341',
  pm_card_chargeDeclined: '4000000000000002',
  pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
  pm_card_chargeDeclinedLostCard: '4000000000009987',
  pm_card_chargeDeclinedStolenCard: '4000000000009979',
  pm_card_chargeDeclinedExpiredCard: '4000000000000069',
  pm_card_chargeDeclinedIncorrectCvc: '4000000000000127',
  pm_card_chargeDeclinedProcessingError: '4000000000000119',
  pm_card_bypassPending: '4000000000000077',
};

export function luhnValid(number: string): boolean {
  if (!/^\d{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function brandOf(number: string): string {
  if (/^4/.test(number)) return 'visa';
  if (/^(5[1-5]|2[2-7])/.test(number)) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(number)) return 'discover';
  if (/^35/.test(number)) return 'jcb';
  if (/^3(0|6|8)/.test(number)) return 'diners';
  return 'unknown';
}

export function profileOf(number: string): CardProfile {
  return { ...base, brand: brandOf(number), ...PROFILES[number] };
}

/** The display name Stripe gives a brand on cards of connected accounts (`Visa`, `MasterCard`…). */
export function brandLabel(brand: string): string {
  const labels: Record<string, string> = { visa: 'Visa', mastercard: 'MasterCard', amex: 'American Express', discover: 'Discover', jcb: 'JCB', diners: 'Diners Club' };
  return labels[brand] ?? 'Unknown';
}
