// Role codes (catalog/catalog.go).
export const VERIFIER = 'district_verifier';
export const PROVINCE = 'province_secretariat';
export const TASKFORCE = 'taskforce_member';
export const OFFICER = 'village_officer';
