// Role codes (catalog/catalog.go).
export const VERIFIER = 'district_verifier';
export const PROVINCE = 'province_secretariat';
export const TASKFORCE = 'taskforce_member';
export const OFFICER = 'village_officer';
// Issue 15: desk roles of the task force.
export const REGENCY_TF = 'regency_taskforce_member';
export const AGENCY = 'agency_officer';
