// An edge function that still reads the column the migration drops.
export async function profile(db: any, id: number) {
  return db.from('users').select('id, email, legacy_flag').eq('id', id);
}
