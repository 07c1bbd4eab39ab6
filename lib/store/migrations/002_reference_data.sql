-- Reference data every store needs, demo or not: departments, subjects (IXC-style), the lists
-- supervisors keep, and the settings with the defaults DOMAIN.md gives.

INSERT INTO department (name) VALUES
    ('FINANCEIRO'), ('SUPORTE'), ('COMERCIAL'), ('NOC'), ('TÉCNICO DE CAMPO'), ('COBRANÇA');

INSERT INTO subject (name, description, department_id, priority, login_required) VALUES
    ('DESCONTO EM FATURA', 'Desconto na fatura por interrupção do serviço',
        (SELECT id FROM department WHERE name = 'FINANCEIRO'), 'M', TRUE),
    ('SEM CONEXÃO', 'Cliente sem acesso à internet',
        (SELECT id FROM department WHERE name = 'SUPORTE'), 'A', TRUE),
    ('LENTIDÃO', 'Navegação lenta ou instável',
        (SELECT id FROM department WHERE name = 'SUPORTE'), 'M', TRUE),
    ('QUEDAS FREQUENTES', 'Conexão cai várias vezes ao dia',
        (SELECT id FROM department WHERE name = 'SUPORTE'), 'M', TRUE),
    ('VISITA TÉCNICA', 'Agendamento de visita técnica no endereço do cliente',
        (SELECT id FROM department WHERE name = 'TÉCNICO DE CAMPO'), 'M', TRUE),
    ('MUDANÇA DE ENDEREÇO', 'Transferência do serviço para outro endereço',
        (SELECT id FROM department WHERE name = 'COMERCIAL'), 'B', TRUE),
    ('MUDANÇA DE PLANO', 'Troca de plano de velocidade',
        (SELECT id FROM department WHERE name = 'COMERCIAL'), 'B', TRUE),
    ('SEGUNDA VIA DE BOLETO', 'Envio da segunda via da fatura',
        (SELECT id FROM department WHERE name = 'COBRANÇA'), 'B', FALSE),
    ('NEGOCIAÇÃO DE DÉBITO', 'Negociação de faturas em atraso',
        (SELECT id FROM department WHERE name = 'COBRANÇA'), 'M', FALSE),
    ('CANCELAMENTO', 'Pedido de cancelamento do contrato',
        (SELECT id FROM department WHERE name = 'COMERCIAL'), 'A', TRUE),
    ('ROMPIMENTO DE FIBRA', 'Rompimento de cabo na rede externa',
        (SELECT id FROM department WHERE name = 'NOC'), 'C', FALSE),
    ('INFORMAÇÕES GERAIS', 'Dúvidas e informações',
        (SELECT id FROM department WHERE name = 'COMERCIAL'), 'B', FALSE);

INSERT INTO canned_response (title, body) VALUES
    ('Recebemos sua solicitação', 'Olá! Recebemos sua solicitação e ela já está com a equipe responsável. Acompanhe pelo protocolo informado.'),
    ('Desconto em análise', 'Seu pedido de desconto em fatura foi registrado e será analisado pelo setor financeiro.'),
    ('Visita agendada', 'Sua visita técnica foi agendada. O técnico entrará em contato antes de ir ao endereço.');

INSERT INTO process (name, description) VALUES
    ('Instalação', 'Abre as ordens de serviço de instalação'),
    ('Reparo de rede externa', 'Abre a ordem de serviço para a equipe de rede'),
    ('Retirada de equipamento', 'Abre a ordem de serviço de retirada de comodato');

INSERT INTO complementary_status (name) VALUES
    ('Aguardando cliente'), ('Aguardando peça'), ('Aguardando visita'), ('Em análise');

INSERT INTO setting (key, value) VALUES
    ('min_minutes', '10'),
    ('deadline_days', '90'),
    ('max_fee_multiple', '"1"'),
    ('opa_pattern', '"[A-Za-z0-9]{6,20}"'),
    ('opa_hint', '"de 6 a 20 letras e números"'),
    ('default_method', '"anatel_minuto"');
